package dev.fleetplane.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.util.Arrays;
import java.util.stream.Stream;

/**
 * Which module may use which (STYLE.md, "Contracts in one place"): a service uses libraries, never another
 * service; a library uses no service; test helpers (local stack, simulator) stay out of the services' main code.
 */
@AnalyzeClasses(packages = "dev.fleetplane", importOptions = ImportOption.DoNotIncludeTests.class)
class ModuleBoundariesTest {

    static final String EVENTS = "dev.fleetplane.events..";
    static final String MESSAGING = "dev.fleetplane.messaging..";
    static final String PLAN_CORE = "dev.fleetplane.plancore..";
    static final String PROXMOX_CLIENT = "dev.fleetplane.proxmox.client..";
    static final String IMAGE_FORMATS = "dev.fleetplane.images..";
    static final String LOCAL_STACK = "dev.fleetplane.localstack..";
    static final String PVE_SIMULATOR = "dev.fleetplane.pvesim..";

    static final String PLANNER = "dev.fleetplane.planner..";
    static final String ADAPTER = "dev.fleetplane.adapter..";
    static final String PROVISIONER = "dev.fleetplane.provisioner..";
    static final String TEMPLATE_BUILDER = "dev.fleetplane.templates..";
    static final String CONSOLE_GATEWAY = "dev.fleetplane.console..";
    static final String FLEETCTL = "dev.fleetplane.cli..";

    @ArchTest
    static final ArchRule planner = usesOnly("planner-service", PLANNER, EVENTS, MESSAGING, PLAN_CORE);

    @ArchTest
    static final ArchRule adapter = usesOnly("proxmox-adapter", ADAPTER, EVENTS, MESSAGING, PROXMOX_CLIENT);

    @ArchTest
    static final ArchRule provisioner = usesOnly("provisioner-service", PROVISIONER, EVENTS, MESSAGING);

    @ArchTest
    static final ArchRule templateBuilder = usesOnly("template-builder", TEMPLATE_BUILDER, EVENTS, MESSAGING,
            PROXMOX_CLIENT, IMAGE_FORMATS);

    @ArchTest
    static final ArchRule consoleGateway = usesOnly("console-gateway", CONSOLE_GATEWAY, EVENTS, MESSAGING,
            PROXMOX_CLIENT);

    /** The CLI runs the local stack and the simulator for {@code up}/{@code demo}; it talks to services over HTTP. */
    @ArchTest
    static final ArchRule fleetctl = usesOnly("fleetctl", FLEETCTL, EVENTS, PLAN_CORE, PROXMOX_CLIENT, LOCAL_STACK,
            PVE_SIMULATOR, IMAGE_FORMATS);

    /** The image readers stand alone: the simulator and the template builder use them, not the other way round. */
    @ArchTest
    static final ArchRule imageFormats = usesOnly("image-formats", IMAGE_FORMATS);

    @ArchTest
    static final ArchRule librariesUseNoService = noClasses()
            .that().resideInAnyPackage(EVENTS, MESSAGING, PLAN_CORE, PROXMOX_CLIENT, IMAGE_FORMATS, LOCAL_STACK,
                    PVE_SIMULATOR)
            .should().dependOnClassesThat().resideInAnyPackage(PLANNER, ADAPTER, PROVISIONER, TEMPLATE_BUILDER,
                    CONSOLE_GATEWAY, FLEETCTL)
            .as("libraries (fleet-events, fleet-messaging, plan-core, proxmox-client, image-formats, local-stack,"
                    + " pve-simulator)"
                    + " depend on no service");

    /**
     * Classes of {@code own} depend, among fleetplane's classes, only on {@code own} and {@code libraries}; anything
     * outside {@code dev.fleetplane} (JDK, Quarkus, Jackson …) is the module pom's business.
     */
    private static ArchRule usesOnly(String module, String own, String... libraries) {
        String[] allowed = Stream.concat(Stream.of(own), Arrays.stream(libraries)).toArray(String[]::new);
        DescribedPredicate<JavaClass> fleetplaneOutsideAllowed = JavaClass.Predicates.resideInAPackage("dev.fleetplane..")
                .and(DescribedPredicate.not(JavaClass.Predicates.resideInAnyPackage(allowed)));
        return noClasses().that().resideInAPackage(own)
                .should().dependOnClassesThat(fleetplaneOutsideAllowed)
                .as(module + " (" + own + ") depends on no other service, only on " + String.join(", ", libraries));
    }
}
