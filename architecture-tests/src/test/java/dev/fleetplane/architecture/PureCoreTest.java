package dev.fleetplane.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.util.List;

/**
 * The pure cores (STYLE.md, "Pure core, thin edges") are functions over records: they touch no database, no
 * Kafka, no SSH, no HTTP and no Quarkus. Their neighbours in the same packages that are I/O by nature (stores,
 * schedulers, consumers, REST resources, CDI producers) are not listed here.
 */
@AnalyzeClasses(packages = "dev.fleetplane", importOptions = ImportOption.DoNotIncludeTests.class)
class PureCoreTest {

    /** Top-level classes (with their nested classes) that make up the pure cores outside plan-core. */
    static final List<String> PURE_CLASSES = List.of(
            // planner: the host lifecycle decisions
            "dev.fleetplane.planner.lifecycle.HostLifecycle",
            "dev.fleetplane.planner.lifecycle.HostConditions",
            "dev.fleetplane.planner.lifecycle.HostDesired",
            "dev.fleetplane.planner.lifecycle.HostRecord",
            "dev.fleetplane.planner.lifecycle.HostState",
            "dev.fleetplane.planner.lifecycle.VmConfig",
            "dev.fleetplane.planner.lifecycle.StepCommand",
            "dev.fleetplane.planner.lifecycle.Drift",
            "dev.fleetplane.planner.lifecycle.QueuedHost",
            "dev.fleetplane.planner.lifecycle.PowerStory",
            // planner: what the dashboard computes from the log and the offsets
            "dev.fleetplane.planner.dashboard.Timeline",
            "dev.fleetplane.planner.dashboard.StreamFilter",
            "dev.fleetplane.planner.dashboard.Observed",
            "dev.fleetplane.planner.dashboard.TemplateBuilds",
            "dev.fleetplane.planner.dashboard.ConsoleSessions",
            "dev.fleetplane.planner.topics.TopicHistory",
            "dev.fleetplane.planner.topics.TopicsOverview",
            "dev.fleetplane.planner.eventlog.NulFree",
            // planner: the spec's limits and patches
            "dev.fleetplane.planner.spec.SpecPatch",
            // provisioner: the saga's state machine
            "dev.fleetplane.provisioner.saga.ProvisioningSaga",
            "dev.fleetplane.provisioner.saga.Saga",
            "dev.fleetplane.provisioner.saga.SagaState",
            "dev.fleetplane.provisioner.saga.ResolutionPolicy",
            // provisioner: the IP choice
            "dev.fleetplane.provisioner.ipresolution.AgentAnswer",
            "dev.fleetplane.provisioner.ipresolution.IpLiteral",
            // provisioner: the probe's verdict, the rollback watchdog's commands, shell quoting
            "dev.fleetplane.provisioner.steps.ProbeVerdict",
            "dev.fleetplane.provisioner.steps.RollbackWatchdog",
            "dev.fleetplane.provisioner.ssh.ShellCommand",
            // template-builder: the build's saga, retention, the build command and its bounded output
            "dev.fleetplane.templates.saga.BuildSaga",
            "dev.fleetplane.templates.saga.Build",
            "dev.fleetplane.templates.saga.BuildState",
            "dev.fleetplane.templates.saga.Move",
            "dev.fleetplane.templates.catalog.Retention",
            "dev.fleetplane.templates.build.BuildCommand",
            "dev.fleetplane.templates.build.OutputBatches",
            // console-gateway: the serial console's byte protocol (pve-xtermjs framing, UTF-8 output)
            "dev.fleetplane.console.protocol.ConsoleFrames",
            "dev.fleetplane.console.protocol.ConsoleFrameParser",
            "dev.fleetplane.console.protocol.ConsoleMessage",
            "dev.fleetplane.console.protocol.ConsoleProtocolException",
            "dev.fleetplane.console.protocol.ServerGreeting",
            "dev.fleetplane.console.protocol.Utf8Stream",
            // console-gateway: the shared session (viewers, keyboard, scrollback, reconnects), operators, redaction
            "dev.fleetplane.console.session.ConsoleSession",
            "dev.fleetplane.console.session.SessionHub",
            "dev.fleetplane.console.session.Scrollback",
            "dev.fleetplane.console.session.ReconnectPolicy",
            "dev.fleetplane.console.session.ServerMessage",
            "dev.fleetplane.console.session.ViewerRecord",
            "dev.fleetplane.console.auth.Operator",
            "dev.fleetplane.console.auth.OperatorFile",
            "dev.fleetplane.console.audit.PasswordRedactor",
            "dev.fleetplane.console.web.ClientMessage",
            // console-gateway: which VM a host names, whether it can give a console
            "dev.fleetplane.console.backend.VmChoice",
            "dev.fleetplane.console.backend.ConsoleReadiness");

    static final DescribedPredicate<JavaClass> PURE_CORE = DescribedPredicate.describe(
            "plan-core or the pure classes of the planner's lifecycle, the provisioner's saga and IP choice, the template"
                    + " builder's saga and retention, the console gateway's protocol, sessions, operators and redaction",
            c -> c.getPackageName().startsWith("dev.fleetplane.plancore")
                    || PURE_CLASSES.stream().anyMatch(p -> c.getName().equals(p) || c.getName().startsWith(p + "$")));

    @ArchTest
    static final ArchRule pureCoresDoNoIo = noClasses().that(PURE_CORE)
            .should().dependOnClassesThat().resideInAnyPackage(
                    "java.sql..",
                    "org.apache.kafka..", "io.smallrye.reactive.messaging..",
                    "net.schmizz..", "com.hierynomus..",
                    "java.net.http..", "jakarta.ws.rs..", "io.vertx..",
                    "io.quarkus..")
            .as("pure cores (plan-core, planner lifecycle decisions, provisioner saga state machine and IP choice)"
                    + " touch no SQL, Kafka, SSH, HTTP or Quarkus");

    /** The list above must name classes that exist: a renamed class would silently leave the rule. */
    @ArchTest
    static void everyListedPureClassExists(com.tngtech.archunit.core.domain.JavaClasses all) {
        for (String name : PURE_CLASSES) {
            if (!all.contain(name)) {
                throw new AssertionError("PureCoreTest.PURE_CLASSES names " + name + ", which is not a class (renamed?)");
            }
        }
    }
}
