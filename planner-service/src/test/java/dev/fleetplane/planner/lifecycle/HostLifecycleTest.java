package dev.fleetplane.planner.lifecycle;

import static dev.fleetplane.planner.lifecycle.HostState.Adopted;
import static dev.fleetplane.planner.lifecycle.HostState.Cloning;
import static dev.fleetplane.planner.lifecycle.HostState.Configuring;
import static dev.fleetplane.planner.lifecycle.HostState.Destroying;
import static dev.fleetplane.planner.lifecycle.HostState.Drifted;
import static dev.fleetplane.planner.lifecycle.HostState.Failed;
import static dev.fleetplane.planner.lifecycle.HostState.Gone;
import static dev.fleetplane.planner.lifecycle.HostState.Pending;
import static dev.fleetplane.planner.lifecycle.HostState.Provisioning;
import static dev.fleetplane.planner.lifecycle.HostState.Ready;
import static dev.fleetplane.planner.lifecycle.HostState.Resizing;
import static dev.fleetplane.planner.lifecycle.HostState.Starting;
import static dev.fleetplane.planner.lifecycle.HostState.Stopping;
import static dev.fleetplane.planner.lifecycle.HostState.Updating;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.EventKind;
import dev.fleetplane.events.plans.AttributeChange;
import dev.fleetplane.planner.lifecycle.HostLifecycle.Origin;
import dev.fleetplane.planner.lifecycle.HostLifecycle.Route;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HostLifecycleTest {

    static final Route CREATE = HostLifecycle.route("create", List.of(), Origin.created);

    static AttributeChange attr(String name, String before, String after) {
        return new AttributeChange(name, before, after, false);
    }

    /** Feeds each step its completing event and returns the states visited. */
    static List<HostState> walk(Route route) {
        List<HostState> visited = new ArrayList<>();
        HostState s = route.first();
        visited.add(s);
        while (s.inFlight()) {
            EventKind<?> answer = HostLifecycle.completedBy(s);
            s = HostLifecycle.next(s, route, answer).orElseThrow(() -> new AssertionError("stuck in " + visited));
            visited.add(s);
        }
        return visited;
    }

    @Test
    void create_goesCloneConfigureStartProvisionReady() {
        assertEquals(List.of(Cloning, Configuring, Resizing, Starting, Provisioning, Ready), walk(CREATE));
        assertEquals(Optional.of(Configuring), HostLifecycle.next(Cloning, CREATE, EventCatalog.VM_CLONED));
    }

    @Test
    void update_configuresTheChangedKeys_andEndsWhereTheHostWas() {
        Route created = HostLifecycle.route("update", List.of(attr("cores", "2", "4")), Origin.created);
        assertEquals(List.of(Updating, Ready), walk(created));
        Route adopted = HostLifecycle.route("update", List.of(attr("memory", "2048", "4096")), Origin.adopted);
        assertEquals(List.of(Updating, Adopted), walk(adopted));
    }

    @Test
    void growDisk_resizes_andAnUpdateWithADisk_configuresThenResizes() {
        assertEquals(List.of(Resizing, Ready),
                walk(HostLifecycle.route("grow-disk", List.of(attr("disk", "32G", "64G")), Origin.created)));
        assertEquals(List.of(Updating, Resizing, Ready), walk(HostLifecycle.route("update",
                List.of(attr("cores", "2", "4"), attr("disk", "32G", "64G")), Origin.created)));
        assertEquals(List.of(Resizing, Ready), walk(HostLifecycle.route("grow-disk", List.of(), Origin.created)),
                "a plan without structured attributes still does what its action names");
    }

    @Test
    void replace_stopsDestroysThenTakesTheCreatePath() {
        Route replace = HostLifecycle.route("replace", List.of(new AttributeChange("bios", "seabios", "ovmf", true)),
                Origin.adopted);
        assertEquals(List.of(Stopping, Destroying, Cloning, Configuring, Resizing, Starting, Provisioning, Ready), walk(replace));
    }

    @Test
    void destroy_stopsDestroysGone_andForgetIsGoneWithNothingSent() {
        assertEquals(List.of(Stopping, Destroying, Gone), walk(HostLifecycle.route("destroy", null, Origin.created)));
        Route forget = HostLifecycle.route("forget", List.of(), Origin.created);
        assertTrue(forget.steps().isEmpty());
        assertEquals(Gone, forget.first());
        assertEquals(Adopted, HostLifecycle.route("adopt", List.of(), Origin.adopted).first());
    }

    @Test
    void anUnknownAction_hasNoRoute_andSaysSo() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HostLifecycle.route("teleport", List.of(), Origin.created));
        assertTrue(e.getMessage().contains("'teleport'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> HostLifecycle.route("no-op", List.of(), Origin.created));
    }

    @Test
    void lateOrDuplicateAnswers_moveNothing() {
        assertEquals(Optional.empty(), HostLifecycle.next(Configuring, CREATE, EventCatalog.VM_CLONED));
        assertEquals(Optional.empty(), HostLifecycle.next(Ready, CREATE, EventCatalog.VM_STARTED));
        assertEquals(Optional.empty(), HostLifecycle.next(Cloning, CREATE, EventCatalog.VM_STARTED));
        assertEquals(Optional.empty(), HostLifecycle.next(Adopted, CREATE, EventCatalog.PROVISIONING_SUCCEEDED));
        assertEquals(Optional.empty(), HostLifecycle.next(Pending, CREATE, EventCatalog.VM_CLONED),
                "a pending host has sent nothing, so nothing answers it");
        assertEquals(Optional.empty(), HostLifecycle.next(Gone, HostLifecycle.route("destroy", null, Origin.created),
                EventCatalog.VM_DESTROYED));
    }

    @Test
    void anAnswerForAStepNotOnTheRoute_movesNothing() {
        Route grow = HostLifecycle.route("grow-disk", List.of(attr("disk", "32G", "64G")), Origin.created);
        assertEquals(Optional.empty(), HostLifecycle.next(Updating, grow, EventCatalog.VM_CONFIGURED));
    }

    @Test
    void failures_failOnlyTheStepInFlight() {
        assertTrue(HostLifecycle.failsStep(Cloning, EventCatalog.PVE_OPERATION_FAILED, "clone"));
        assertTrue(HostLifecycle.failsStep(Updating, EventCatalog.PVE_OPERATION_FAILED, "configure"));
        assertTrue(HostLifecycle.failsStep(Resizing, EventCatalog.PVE_OPERATION_FAILED, "resize"));
        assertTrue(HostLifecycle.failsStep(Stopping, EventCatalog.PVE_OPERATION_FAILED, "stop"));
        assertTrue(HostLifecycle.failsStep(Destroying, EventCatalog.PVE_OPERATION_FAILED, "destroy"));
        assertTrue(HostLifecycle.failsStep(Provisioning, EventCatalog.PROVISIONING_FAILED, null));
        assertFalse(HostLifecycle.failsStep(Cloning, EventCatalog.PVE_OPERATION_FAILED, "start"),
                "a failed start does not fail a clone");
        assertFalse(HostLifecycle.failsStep(Provisioning, EventCatalog.PVE_OPERATION_FAILED, "guest-network"));
        assertFalse(HostLifecycle.failsStep(Adopted, EventCatalog.PVE_OPERATION_FAILED, "guest-network"));
        assertFalse(HostLifecycle.failsStep(Ready, EventCatalog.PROVISIONING_FAILED, null));
        assertFalse(HostLifecycle.failsStep(Pending, EventCatalog.PVE_OPERATION_FAILED, "clone"));
    }

    @Test
    void aNewPlan_takesOnlyHostsWithNothingRunning() {
        for (HostState s : List.of(Ready, Adopted, Drifted, Failed, Gone, Pending)) {
            assertTrue(HostLifecycle.acceptsPlan(s), s.name());
        }
        assertTrue(HostLifecycle.acceptsPlan(null));
        for (HostState s : List.of(Cloning, Configuring, Starting, Provisioning, Updating, Resizing, Stopping, Destroying)) {
            assertFalse(HostLifecycle.acceptsPlan(s), s.name() + " has a step in flight");
        }
    }

    @Test
    void allowedTransitions_coverEveryRouteAndNothingElse() {
        assertTrue(HostLifecycle.allowed(null, Pending));
        assertTrue(HostLifecycle.allowed(null, Adopted));
        assertFalse(HostLifecycle.allowed(null, Ready));
        assertFalse(HostLifecycle.allowed(null, Cloning), "every action is queued first");
        assertTrue(HostLifecycle.allowed(Failed, Pending));
        assertTrue(HostLifecycle.allowed(Ready, Drifted));
        assertTrue(HostLifecycle.allowed(Drifted, Ready));
        assertTrue(HostLifecycle.allowed(Drifted, Pending));
        assertTrue(HostLifecycle.allowed(Gone, Pending), "a destroyed host may be created again");
        assertTrue(HostLifecycle.allowed(Destroying, Cloning), "replace continues on the create path");
        assertFalse(HostLifecycle.allowed(Cloning, Cloning), "a running clone is not restarted");
        assertFalse(HostLifecycle.allowed(Provisioning, Adopted));
        assertFalse(HostLifecycle.allowed(Gone, Ready));
        assertFalse(HostLifecycle.allowed(Stopping, Gone), "a VM is destroyed before its host is gone");
        for (String action : List.of("create", "update", "grow-disk", "replace", "destroy")) {
            Route r = HostLifecycle.route(action, List.of(), Origin.created);
            assertTrue(HostLifecycle.allowed(Pending, r.first()), action);
        }
    }

    @Test
    void stateKinds_areDisjoint() {
        for (HostState s : HostState.values()) {
            assertFalse(s.inFlight() && s.settled(), s.name());
        }
        assertFalse(Pending.inFlight());
        assertFalse(Pending.settled());
    }
}
