package dev.fleetplane.planner.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class PlanningTest {

    @Test
    void planId_isSpecVersion_plusInventoryDigestPrefix() {
        assertEquals("plan-7-ab12cd34", Planning.planId(7, "sha256:ab12cd34ef56"));
        assertEquals("plan-7", Planning.planId(7, null));
    }

    @Test
    void inventoryCorrelation_namesTheSpecVersion() {
        assertEquals(Optional.of(12L), Planning.specVersionOf("spec-12"));
        assertEquals(Optional.empty(), Planning.specVersionOf("plan-12"));
        assertEquals(Optional.empty(), Planning.specVersionOf("spec-x"));
        assertEquals(Optional.empty(), Planning.specVersionOf(null));
    }
}
