package dev.fleetplane.planner.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.EventKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The reconciler's registry: one reaction per kind of event, found by the kind. */
class ReconcilerTest {

    static Map<EventKind<?>, Reaction<?>> lifecycle() {
        return Reconciler.registry(new HostAnswers().reactions());
    }

    @Test
    void everyStepsAnswer_hasAReaction() {
        for (HostState state : HostState.values()) {
            EventKind<?> answer = HostLifecycle.completedBy(state);
            if (answer != null) {
                assertTrue(lifecycle().containsKey(answer), state + " waits on " + answer + ", which nothing handles");
            }
        }
    }

    @Test
    void theLifecycle_reactsToAnswersFailuresRetriesAndAddresses_neverWithinPowerStories() {
        assertEquals(Set.of(EventCatalog.VM_CLONED, EventCatalog.VM_CONFIGURED, EventCatalog.VM_RESIZED,
                EventCatalog.VM_STARTED, EventCatalog.VM_STOPPED, EventCatalog.VM_DESTROYED,
                EventCatalog.PROVISIONING_SUCCEEDED, EventCatalog.PROVISIONING_FAILED, EventCatalog.PVE_OPERATION_FAILED,
                EventCatalog.PROVISIONING_RETRIED, EventCatalog.IP_CHANGED, EventCatalog.IP_RESOLVED,
                EventCatalog.GUEST_NETWORK_REPORTED), lifecycle().keySet());
        assertTrue(lifecycle().values().stream().noneMatch(Reaction::inPowerStories),
                "a day-2 power action's answer must neither complete nor fail a step");
    }

    @Test
    void twoReactionsToOneKind_areRefused() {
        List<Reaction<?>> reactions = new ArrayList<>(new HostAnswers().reactions());
        reactions.add(Reaction.on(EventCatalog.VM_STARTED, (c, e, d) -> { }).alsoInPowerStories());
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> Reconciler.registry(reactions));
        assertTrue(refused.getMessage().contains("fleetplane.vm.started.v1"), refused.getMessage());
    }
}
