package dev.fleetplane.architecture;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Packages by feature (STYLE.md) only help while no two features need each other: no package cycles inside a module.
 * Every module with more than one package is checked (fleet-messaging, proxmox-client, image-formats and
 * bench have one each);
 * a new module adds its rule here.
 */
@AnalyzeClasses(packages = "dev.fleetplane", importOptions = ImportOption.DoNotIncludeTests.class)
class PackageCyclesTest {

    @ArchTest
    static final ArchRule modules = noCycles("dev.fleetplane.(*)..", "between fleetplane's modules");

    @ArchTest
    static final ArchRule planner = noCycles("dev.fleetplane.planner.(*)..", "inside planner-service");

    @ArchTest
    static final ArchRule provisioner = noCycles("dev.fleetplane.provisioner.(*)..", "inside provisioner-service");

    @ArchTest
    static final ArchRule events = noCycles("dev.fleetplane.events.(*)..", "inside fleet-events");

    @ArchTest
    static final ArchRule planCore = noCycles("dev.fleetplane.plancore.(*)..", "inside plan-core");

    @ArchTest
    static final ArchRule fleetctl = noCycles("dev.fleetplane.cli.(*)..", "inside fleetctl");

    @ArchTest
    static final ArchRule adapter = noCycles("dev.fleetplane.adapter.(*)..", "inside proxmox-adapter");

    @ArchTest
    static final ArchRule localStack = noCycles("dev.fleetplane.localstack.(*)..", "inside local-stack");

    @ArchTest
    static final ArchRule pveSimulator = noCycles("dev.fleetplane.pvesim.(*)..", "inside pve-simulator");

    @ArchTest
    static final ArchRule templateBuilder = noCycles("dev.fleetplane.templates.(*)..", "inside template-builder");

    @ArchTest
    static final ArchRule consoleGateway = noCycles("dev.fleetplane.console.(*)..", "inside console-gateway");

    private static ArchRule noCycles(String slices, String where) {
        return slices().matching(slices).should().beFreeOfCycles().as("no package cycles " + where);
    }
}
