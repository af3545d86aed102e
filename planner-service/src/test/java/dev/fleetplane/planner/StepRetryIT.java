package dev.fleetplane.planner;

import static dev.fleetplane.planner.LifecycleIT.awaitHost;
import static dev.fleetplane.planner.LifecycleIT.change;
import static dev.fleetplane.planner.LifecycleIT.shortId;
import static dev.fleetplane.planner.LifecycleIT.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.plans.HostStateChanged;
import dev.fleetplane.events.plans.PlannedChange;
import dev.fleetplane.localstack.quarkus.LocalStackTestResource;
import dev.fleetplane.localstack.quarkus.TestTokens;
import dev.fleetplane.messaging.Database;
import dev.fleetplane.planner.lifecycle.HostScheduler;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A Proxmox step that fails for a reason that may pass is sent again, bounded, against real Kafka and PostgreSQL: the
 * test plays the adapter, failing the planner's commands as Proxmox under load does (a failed task, a lock timeout),
 * with three attempts and short waits.
 */
@QuarkusTest
@TestProfile(StepRetryIT.ThreeAttempts.class)
@QuarkusTestResource(LocalStackTestResource.class)
class StepRetryIT {

    public static class ThreeAttempts implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("fleetplane.planner.apply.step-attempts", "3",
                    "fleetplane.planner.apply.step-retry-delay", "200ms",
                    "fleetplane.planner.apply.step-retry-max-delay", "400ms");
        }
    }

    static FleetPlay play;

    @Inject
    HostScheduler scheduler;

    @Inject
    Database database;

    @BeforeAll
    static void connect() {
        TestTokens.actAsOperator();
        play = new FleetPlay();
        LifecycleIT.play = play;
    }

    @AfterAll
    static void disconnect() throws Exception {
        play.close();
    }

    @Test
    void aFailedTaskOrALockTimeout_sendsTheStepAgain_andTheHostGoesOnToReady() throws Exception {
        String fleet = "retry-" + shortId();
        String plan = apply(fleet, spec(Map.of("flaky", 451), ""), change("flaky", "create", 451));

        FleetEvent clone1 = play.command(EventCatalog.CLONE_VM, "flaky", plan);
        play.fail(clone1, "clone", 451, "task-failed", false, "clone failed: can't lock file 'lock-9003.conf'");
        FleetEvent clone2 = play.command(EventCatalog.CLONE_VM, "flaky", plan);
        assertNotEquals(clone1.id(), clone2.id(), "the step goes again as a new command (the adapter dedupes by id)");
        assertEquals(clone1.dataAs(EventCatalog.CLONE_VM), clone2.dataAs(EventCatalog.CLONE_VM));
        play.succeed(clone2);
        play.succeed(play.command(EventCatalog.CONFIGURE_VM, "flaky", plan));
        play.succeed(play.command(EventCatalog.RESIZE_DISK, "flaky", plan));
        FleetEvent start1 = play.command(EventCatalog.START_VM, "flaky", plan);
        play.fail(start1, "start", 451, "locked", true, "can't lock file '/var/lock/qemu-server/lock-451.conf' - got timeout");
        play.succeed(play.command(EventCatalog.START_VM, "flaky", plan));
        play.succeed(play.command(EventCatalog.PROVISION_HOST, "flaky", plan));
        awaitHost(fleet, "flaky", "Ready");

        assertEquals(List.of("null->Pending", "Pending->Cloning", "Cloning->Cloning", "Cloning->Configuring",
                        "Configuring->Resizing", "Resizing->Starting", "Starting->Starting", "Starting->Provisioning",
                        "Provisioning->Ready"),
                LifecycleIT.transitions(fleet, "flaky", plan, "Provisioning->Ready"));
        List<String> retries = LifecycleIT.stateChanges(fleet).stream().filter(c -> c.from() != null
                && c.from().equals(c.to())).map(HostStateChanged::reason).toList();
        assertEquals(2, retries.size(), retries.toString());
        assertTrue(retries.get(0).startsWith("clone attempt 1 of 3 failed: task-failed: clone failed: can't lock file"),
                "the event log keeps each attempt's cause: " + retries.get(0));
        assertTrue(retries.get(1).startsWith("start attempt 1 of 3 failed: locked: "), retries.get(1));
        assertTrue(retries.get(1).contains("again in 200 ms"), retries.get(1));
    }

    @Test
    void aStepThatFailsEveryTime_failsTheHostAfterTheLastAttempt_sayingHowManyItTook() throws Exception {
        String fleet = "retry-" + shortId();
        String plan = apply(fleet, spec(Map.of("doomed", 452), ""), change("doomed", "create", 452));
        for (int attempt = 1; attempt <= 3; attempt++) {
            FleetEvent clone = play.command(EventCatalog.CLONE_VM, "doomed", plan);
            play.fail(clone, "clone", 452, "task-failed", false, "storage 'local-lvm' is full (" + attempt + ")");
        }
        Map<String, Object> failed = awaitHost(fleet, "doomed", "Failed");
        assertEquals("clone", failed.get("step"));
        assertEquals("task-failed: storage 'local-lvm' is full (3) (attempt 3 of 3)", failed.get("reason"));
        assertEquals(3, play.sent(EventCatalog.CLONE_VM, "doomed", plan));
    }

    @Test
    void aRefusal_failsTheHostAtTheFirstAttempt() throws Exception {
        String fleet = "retry-" + shortId();
        String plan = apply(fleet, spec(Map.of("taken", 453), ""), change("taken", "create", 453));
        FleetEvent clone = play.command(EventCatalog.CLONE_VM, "taken", plan);
        play.fail(clone, "clone", 453, "already-exists", false, "VMID 453 is held by a VM fleetplane did not create");
        // A retry keeps the host in Cloning; Failed after this one failure means none was scheduled.
        Map<String, Object> failed = awaitHost(fleet, "taken", "Failed");
        assertEquals("already-exists: VMID 453 is held by a VM fleetplane did not create", failed.get("reason"));
        assertEquals(List.of("null->Pending", "Pending->Cloning", "Cloning->Failed"),
                LifecycleIT.transitions(fleet, "taken", plan, "Cloning->Failed"));
    }

    private String apply(String fleet, JsonNode content, PlannedChange... changes) {
        return LifecycleIT.apply(database, scheduler, fleet, content, changes);
    }
}
