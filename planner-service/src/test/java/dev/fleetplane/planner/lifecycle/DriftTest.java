package dev.fleetplane.planner.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fleetplane.events.plans.AttributeChange;
import dev.fleetplane.events.plans.PlannedChange;
import dev.fleetplane.planner.lifecycle.HostLifecycle.Origin;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What a computed, not yet applied plan means for the hosts it names. */
class DriftTest {

    static HostRecord host(HostState state, String reason, Origin origin) {
        return new HostRecord("home", "web", 111, "pve", state, null, reason, "10.0.0.9", "plan-1",
                new HostDesired(111, "web", 2, 2048, "32G", "local-lvm", 9003, "root", "rebuild", null, null),
                new PlannedChange("web", origin == Origin.adopted ? "adopt" : "create", 111, "pve", List.of()), origin,
                null, null, null, null, null);
    }

    static PlannedChange change(String action, String... changes) {
        return new PlannedChange("web", action, 111, "pve", List.of(changes),
                List.of(new AttributeChange("cores", "2", "4", false)), null);
    }

    @Test
    void aReadyHost_thePlanWouldChange_drifts_namingThePlansChanges() {
        assertEquals(Optional.of(new Drift.Move(HostState.Drifted, "plan plan-2 would update: cores: 2 → 4")),
                Drift.decide(host(HostState.Ready, null, Origin.created), "plan-2", change("update", "cores: 2 → 4")));
    }

    @Test
    void anAdoptedHost_drifts_too_andAChangeWithoutDetails_namesTheAction() {
        assertEquals(Optional.of(new Drift.Move(HostState.Drifted, "plan plan-2 would destroy")),
                Drift.decide(host(HostState.Adopted, null, Origin.adopted), "plan-2", change("destroy")));
    }

    @Test
    void aDriftedHost_staysPut_forTheSameReason_andTakesANewOne() {
        HostRecord drifted = host(HostState.Drifted, "plan plan-2 would update: cores: 2 → 4", Origin.created);
        assertEquals(Optional.empty(), Drift.decide(drifted, "plan-2", change("update", "cores: 2 → 4")));
        assertEquals(Optional.of(new Drift.Move(HostState.Drifted, "plan plan-3 would replace: vmid: 111 → 112")),
                Drift.decide(drifted, "plan-3", change("replace", "vmid: 111 → 112")));
    }

    @Test
    void aDriftedHost_aPlanLeavesAlone_matchesAgain_whereItWas() {
        assertEquals(Optional.of(new Drift.Move(HostState.Ready, "plan plan-3: matches the spec again")),
                Drift.decide(host(HostState.Drifted, "x", Origin.created), "plan-3", change("no-op")));
        assertEquals(Optional.of(new Drift.Move(HostState.Adopted, "plan plan-3: matches the spec again")),
                Drift.decide(host(HostState.Drifted, "x", Origin.adopted), "plan-3", change("no-op")));
    }

    @Test
    void createAndAdopt_areNoDrift() {
        for (String action : List.of("create", "adopt", "no-op")) {
            assertEquals(Optional.empty(), Drift.decide(host(HostState.Ready, null, Origin.created), "plan-2",
                    change(action)), action);
        }
    }

    @Test
    void pendingInFlightFailedAndGoneHosts_areLeftAlone() {
        for (HostState state : EnumSet.complementOf(EnumSet.of(HostState.Ready, HostState.Adopted, HostState.Drifted))) {
            assertEquals(Optional.empty(), Drift.decide(host(state, null, Origin.created), "plan-2",
                    change("update", "cores: 2 → 4")), state.name());
            assertEquals(Optional.empty(), Drift.decide(host(state, null, Origin.created), "plan-2", change("no-op")),
                    state.name());
        }
    }
}
