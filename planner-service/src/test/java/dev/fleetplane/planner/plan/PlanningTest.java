package dev.fleetplane.planner.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import dev.fleetplane.events.Json;
import dev.fleetplane.events.plans.PlannedChange;
import dev.fleetplane.plancore.plan.PlanDraft;
import dev.fleetplane.planner.spec.PatchedValue;
import dev.fleetplane.planner.spec.RecordedPatch;
import dev.fleetplane.planner.spec.RevertedPatch;
import dev.fleetplane.planner.spec.SpecVersion;
import java.time.OffsetDateTime;
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

    @Test
    void revertedPatches_closeThePlanText_andFillTheJsonField_withAutoApproveWithheld() throws Exception {
        RevertedPatch r = new RevertedPatch(new RecordedPatch(3, "alice", OffsetDateTime.parse("2026-12-07T10:00:00Z"),
                new PatchedValue("web", "proxmox.memory", IntNode.valueOf(4096), IntNode.valueOf(8192))),
                IntNode.valueOf(4096));
        SpecVersion v = new SpecVersion(4, "prod", "h", "ci", "abc", Json.MAPPER.createObjectNode(), true,
                OffsetDateTime.parse("2026-12-08T09:00:00Z"), null, null, List.of(r), false);
        assertTrue(v.autoApprove() && !v.appliesItself(), "an unacknowledged revert withholds auto-approve");
        String text = Planning.revertNotes(v, "plan-4-0123abcd", true);
        assertTrue(text.contains("Warning: spec version 4 undoes 1 host patch that the pushed file does not contain:\n"
                + "  reverts patch of web.proxmox.memory 4096 → 8192 by alice at 2026-12-07T10:00:00Z (spec version 3)\n"),
                text);
        assertTrue(text.contains("fleetplane spec export --fleet prod --spec-version 3"), text);
        assertTrue(text.contains("fleetplane apply plan-4-0123abcd"), text);

        JsonNode json = Planning.withReverts(Json.MAPPER.createObjectNode(), v, true);
        JsonNode one = json.path("reverted_patches").get(0);
        assertEquals("web.proxmox.memory", one.path("attribute").asText());
        assertEquals(4096, one.path("patched_from").asInt());
        assertEquals(8192, one.path("patched_to").asInt());
        assertEquals(4096, one.path("pushed").asInt());
        assertEquals("alice", one.path("requested_by").asText());
        assertEquals("2026-12-07T10:00:00Z", one.path("requested_at").asText());
        assertEquals(3, one.path("spec_version").asLong());
        assertEquals(r.note(), one.path("note").asText());
        assertTrue(json.path("auto_approve_withheld").asBoolean());

        SpecVersion allowed = new SpecVersion(4, "prod", "h", "ci", "abc", Json.MAPPER.createObjectNode(), true,
                OffsetDateTime.parse("2026-12-08T09:00:00Z"), null, null, List.of(r), true);
        assertTrue(allowed.appliesItself());
        assertTrue(Planning.revertNotes(allowed, "plan-4-0123abcd", false).contains("--allow-revert"));
        SpecVersion clean = new SpecVersion(5, "prod", "h", "ci", "abc", Json.MAPPER.createObjectNode(), true,
                OffsetDateTime.parse("2026-12-08T09:00:00Z"), null, null, List.of(), false);
        assertEquals("", Planning.revertNotes(clean, "plan-5-0123abcd", false));
        assertEquals(0, Planning.withReverts(Json.MAPPER.createObjectNode(), clean, false)
                .path("reverted_patches").size());
    }
}
