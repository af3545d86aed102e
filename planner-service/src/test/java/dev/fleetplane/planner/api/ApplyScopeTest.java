package dev.fleetplane.planner.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fleetplane.events.plans.PlannedChange;
import dev.fleetplane.planner.plan.Plan;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which hosts an apply would change: what a host-scoped token's apply is judged by. */
class ApplyScopeTest {

    static final Plan PLAN = new Plan("p1", "f", 1, null, List.of(), List.of(
            new PlannedChange("web-1", "create", 101, "pve", List.of()),
            new PlannedChange("web-2", "update", 102, "pve", List.of()),
            new PlannedChange("db-1", "create", 103, "pve", List.of())), List.of(), "", null, Plan.ORIGIN_SPEC,
            2, 1, 0, 0, 0, null, null, null, List.of());

    @Test
    void theWholePlan_changesEveryHostOfIt() {
        assertEquals(List.of("web-1", "web-2", "db-1"), PlanResource.changedHosts(PLAN, List.of(), List.of()));
    }

    @Test
    void targets_changeOnlyThoseHosts_andExcludesLeaveTheirsOut() {
        assertEquals(List.of("web-1", "web-2"), PlanResource.changedHosts(PLAN, List.of("web-1", "web-2"), List.of()));
        assertEquals(List.of("web-1", "web-2"), PlanResource.changedHosts(PLAN, List.of(), List.of("db-1")));
    }
}
