package dev.fleetplane.planner.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.events.plans.PlannedChange;
import dev.fleetplane.plancore.plan.PlanDraft;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PlanningTest {

    static final PlanDraft CREATE_WEB = new PlanDraft(List.of(new PlannedChange("web", PlanDraft.CREATE, 111, "pve",
            List.of("vmid = 111"))), List.of(), List.of());

    @Test
    void planId_isSpecVersion_plusADigestOfWhatThePlanSawAndDecided() {
        String id = Planning.planId(7, "sha256:ab12cd34ef56", CREATE_WEB);
        assertTrue(id.matches("plan-7-[0-9a-f]{8}"), id);
        assertEquals(id, Planning.planId(7, "sha256:ab12cd34ef56", CREATE_WEB), "same inputs, same plan");
        assertNotEquals(id, Planning.planId(7, "sha256:0000", CREATE_WEB), "another inventory, another plan");
        assertNotEquals(id, Planning.planId(7, "sha256:ab12cd34ef56",
                new PlanDraft(List.of(), List.of(), List.of())), "another decision, another plan");
    }

    @Test
    void inventoryCorrelation_namesTheSpecVersion() {
        assertEquals(Optional.of(12L), Planning.specVersionOf("spec-12"));
        assertEquals(Optional.empty(), Planning.specVersionOf("plan-12"));
        assertEquals(Optional.empty(), Planning.specVersionOf("spec-x"));
        assertEquals(Optional.empty(), Planning.specVersionOf(null));
    }
}
