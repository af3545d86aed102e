package dev.fleetplane.planner.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fleetplane.events.plans.PlannedChange;
import dev.fleetplane.planner.lifecycle.HostConditions.Condition;
import dev.fleetplane.planner.lifecycle.HostLifecycle.Origin;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostConditionsTest {

    static final OffsetDateTime T = OffsetDateTime.parse("2026-01-01T00:00:00Z");

    static HostRecord host(HostState state, String action, Origin origin, OffsetDateTime readyAt, String step,
                           String reason) {
        return new HostRecord("f", "web", 111, "pve", state, step, reason, "10.0.0.11", "plan-1", null,
                new PlannedChange("web", action, 111, "pve", List.of()), origin, null, T, T, readyAt, T);
    }

    static String shown(HostRecord h) {
        return HostConditions.of(h).stream().map(c -> c.type() + "=" + c.status() + "/" + c.reason())
                .reduce((a, b) -> a + " " + b).orElseThrow();
    }

    @Test
    void aReadyHost_isReadyAndMatchesTheSpec() {
        assertEquals("Ready=True/HostReady Reconciled=True/MatchesSpec",
                shown(host(HostState.Ready, "create", Origin.created, T, null, null)));
        assertEquals("Ready=True/Adopted Reconciled=True/MatchesSpec",
                shown(host(HostState.Adopted, "adopt", Origin.adopted, null, null, null)));
    }

    @Test
    void aHostBeingCreated_isNotReady_andItsPlanIsApplying() {
        assertEquals("Ready=False/Pending Reconciled=False/PlanApplying",
                shown(host(HostState.Pending, "create", Origin.created, null, null, null)));
        assertEquals("Ready=False/Provisioning Reconciled=False/PlanApplying",
                shown(host(HostState.Provisioning, "create", Origin.created, null, null, null)));
        Condition ready = HostConditions.of(host(HostState.Cloning, "create", Origin.created, null, null, null)).get(0);
        assertEquals("waiting for VmCloned", ready.message());
    }

    @Test
    void aHostUpdatedInPlace_staysReady_whileItsPlanApplies() {
        assertEquals("Ready=True/HostReady Reconciled=False/PlanApplying",
                shown(host(HostState.Updating, "update", Origin.created, T, null, null)));
        assertEquals("Ready=True/HostReady Reconciled=False/PlanApplying",
                shown(host(HostState.Pending, "grow-disk", Origin.created, T, null, null)));
        assertEquals("Ready=False/Stopping Reconciled=False/PlanApplying",
                shown(host(HostState.Stopping, "replace", Origin.created, T, null, null)));
    }

    @Test
    void driftFailureAndRemoval_areNamed() {
        assertEquals("Ready=True/HostReady Reconciled=False/Drifted",
                shown(host(HostState.Drifted, "create", Origin.created, T, null, "plan-2 would update: cores: 2 -> 4")));
        HostRecord failed = host(HostState.Failed, "create", Origin.created, null, "clone", "locked");
        assertEquals("Ready=False/Failed Reconciled=False/Failed", shown(failed));
        assertEquals("clone: locked", HostConditions.of(failed).get(1).message());
        assertEquals("Ready=False/Destroyed Reconciled=True/Destroyed",
                shown(host(HostState.Gone, "destroy", Origin.created, null, null, null)));
        assertEquals("Ready=False/Forgotten Reconciled=True/Forgotten",
                shown(host(HostState.Gone, "forget", Origin.adopted, null, null, null)));
    }
}
