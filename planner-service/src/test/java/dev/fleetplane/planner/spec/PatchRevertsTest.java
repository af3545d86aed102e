package dev.fleetplane.planner.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.fleetplane.events.Json;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PatchRevertsTest {

    static final OffsetDateTime AT = OffsetDateTime.parse("2026-12-07T10:00:00Z");

    static JsonNode spec(int memory) throws Exception {
        return Json.MAPPER.readTree("""
                {"_proxmox": {"host": "10.0.0.1", "node": "pve", "defaultStorage": "local-lvm", "templateVmid": 9003},
                 "web": {"hostname": "web", "proxmox": {"vmid": 111, "cores": 2, "memory": %d, "disk": "64G"}},
                 "db": {"proxmox": {"vmid": 112, "cores": 2, "memory": 2048, "disk": "64G"}}}""".formatted(memory));
    }

    static RecordedPatch patch(long version, String who, PatchedValue change) {
        return new RecordedPatch(version, who, AT, change);
    }

    static List<RecordedPatch> patched(JsonNode base, long version, String who, HostPatch p) {
        SpecPatch.Patched done = (SpecPatch.Patched) SpecPatch.apply(base, p);
        return done.values().stream().map(v -> patch(version, who, v)).toList();
    }

    static HostPatch set(String host, String key, JsonNode value) {
        return new HostPatch("f", host, Map.of(key, value), false, "operator", null, null, Optional.empty(), "alice");
    }

    @Test
    void pushWithoutThePatch_revertsIt_namingAttributeValuesActorTimeAndVersion() throws Exception {
        List<RecordedPatch> pending = patched(spec(4096), 3, "alice", set("web", "memory", IntNode.valueOf(8192)));
        List<RevertedPatch> reverts = PatchReverts.of(spec(4096), pending);
        assertEquals(1, reverts.size());
        assertEquals("reverts patch of web.proxmox.memory 4096 → 8192 by alice at 2026-12-07T10:00:00Z (spec version 3)",
                reverts.get(0).note());
    }

    @Test
    void pushThatCommittedThePatch_revertsNothing_evenWhenTheNumberIsReadAsALong() throws Exception {
        List<RecordedPatch> pending = List.of(patch(3, "alice",
                new PatchedValue("web", "proxmox.memory", IntNode.valueOf(4096), LongNode.valueOf(8192))));
        assertEquals(List.of(), PatchReverts.of(spec(8192), pending));
    }

    @Test
    void aThirdValue_overridesThePatch_andSaysWithWhat() throws Exception {
        List<RecordedPatch> pending = patched(spec(4096), 3, "alice", set("web", "memory", IntNode.valueOf(8192)));
        assertEquals("overrides patch of web.proxmox.memory 4096 → 8192 by alice at 2026-12-07T10:00:00Z"
                + " (spec version 3) with 2048", PatchReverts.of(spec(2048), pending).get(0).note());
    }

    @Test
    void onlyTheNewestPatchOfAnAttributeCounts_andAHostRemovalSupersedesItsAttributes() throws Exception {
        List<RecordedPatch> pending = new java.util.ArrayList<>();
        pending.addAll(patched(spec(4096), 3, "alice", set("web", "memory", IntNode.valueOf(8192))));
        pending.addAll(patched(spec(8192), 4, "bob", set("web", "memory", IntNode.valueOf(16384))));
        List<RevertedPatch> reverts = PatchReverts.of(spec(4096), pending);
        assertEquals(1, reverts.size());
        assertEquals(4, reverts.get(0).patch().specVersion());
        assertTrue(reverts.get(0).note().startsWith("overrides patch of web.proxmox.memory 8192 → 16384 by bob"),
                reverts.get(0).note());

        pending.addAll(patched(spec(16384), 5, "carol",
                new HostPatch("f", "web", Map.of(), true, "operator", null, null, Optional.empty(), "carol")));
        reverts = PatchReverts.of(spec(4096), pending);
        assertEquals(List.of("reverts patch removing host web by carol at 2026-12-07T10:00:00Z (spec version 5)"),
                reverts.stream().map(RevertedPatch::note).toList());
    }

    @Test
    void addedAndRemovedAttributes_sayUnsetAndRemoved() throws Exception {
        List<RecordedPatch> added = patched(spec(4096), 3, "alice", set("web", "sshAlias", TextNode.valueOf("w")));
        assertEquals("reverts patch of web.sshAlias (unset) → \"w\" by alice at 2026-12-07T10:00:00Z (spec version 3)",
                PatchReverts.of(spec(4096), added).get(0).note());
        List<RecordedPatch> removed = patched(spec(4096), 3, "alice", set("web", "hostname", NullNode.getInstance()));
        assertEquals("reverts patch of web.hostname \"web\" → (removed) by alice at 2026-12-07T10:00:00Z (spec version 3)",
                PatchReverts.of(spec(4096), removed).get(0).note());
    }

    @Test
    void storedAsJson_andReadBack_anAbsentValueStaysAbsent() throws Exception {
        List<RecordedPatch> pending = patched(spec(4096), 3, "alice", set("web", "sshAlias", TextNode.valueOf("w")));
        List<RevertedPatch> reverts = PatchReverts.of(spec(4096), pending);
        List<RevertedPatch> back = Json.MAPPER.readValue(Json.MAPPER.writeValueAsString(reverts),
                new TypeReference<List<RevertedPatch>>() { });
        assertNull(back.get(0).patch().change().before());
        assertNull(back.get(0).pushed());
        assertEquals(reverts.get(0).note(), back.get(0).note());
        assertEquals(List.of(), PatchReverts.of(spec(4096).deepCopy(), List.of()));
    }
}
