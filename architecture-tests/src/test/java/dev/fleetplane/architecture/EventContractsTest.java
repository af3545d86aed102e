package dev.fleetplane.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.EventKind;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Events and commands are declared once, in fleet-events (STYLE.md, "Contracts in one place"): an event record is a
 * record that an {@link EventKind} of {@link EventCatalog} maps its data to. No other module declares an event kind,
 * copies an event record, or keeps records in an {@code events} package of its own.
 */
@AnalyzeClasses(packages = "dev.fleetplane", importOptions = ImportOption.DoNotIncludeTests.class)
class EventContractsTest {

    static final String FLEET_EVENTS = "dev.fleetplane.events..";

    /** Simple names of the records the catalogue's kinds carry: {@code VmCloned}, {@code CloneVm}, … */
    static final Set<String> CATALOGUED = EventCatalog.all().stream()
            .map(k -> k.dataType().getSimpleName())
            .collect(Collectors.toUnmodifiableSet());

    @ArchTest
    static final ArchRule eventKindsOnlyInFleetEvents = noClasses().that().resideOutsideOfPackage(FLEET_EVENTS)
            .should().callConstructor(EventKind.class, String.class, int.class, Class.class, String.class)
            .as("event kinds are declared only in fleet-events (EventCatalog)");

    @ArchTest
    static final ArchRule noCopiedEventRecords = noClasses()
            .that().resideOutsideOfPackage(FLEET_EVENTS)
            .and().areRecords()
            .should(ArchCondition.from(DescribedPredicate.describe("be named like a record of EventCatalog",
                    (JavaClass c) -> CATALOGUED.contains(c.getSimpleName()))))
            .as("no record outside fleet-events copies an event record of EventCatalog");

    @ArchTest
    static final ArchRule noEventPackagesOutsideFleetEvents = noClasses()
            .that().resideOutsideOfPackage(FLEET_EVENTS)
            .and().areRecords()
            .should().resideInAPackage("..events..")
            .as("no record outside fleet-events lives in an events package");
}
