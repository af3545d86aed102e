package dev.fleetplane.planner.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.fleetplane.events.Json;
import dev.fleetplane.plancore.spec.SpecValidator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SpecPatchTest {

    static final String SPEC = """
            {"_proxmox": {"host": "10.0.0.1", "node": "pve", "defaultStorage": "local-lvm", "templateVmid": 9003},
             "dev": {"user": "alice", "proxmox": {"vmid": 110, "cores": 2, "memory": 2048, "disk": "32G"}},
             "web": {"proxmox": {"vmid": 111, "cores": 2, "memory": 4096, "disk": "64G"}},
             "laptop": {"user": "root"}}""";

    static JsonNode spec() throws Exception {
        return Json.MAPPER.readTree(SPEC);
    }

    static HostPatch set(String host, Map<String, JsonNode> set) {
        return new HostPatch("f", host, set, false, "event", "abc", null, Optional.empty(), "tester");
    }

    static SpecPatch.Patched patched(SpecPatch.Result r) {
        return assertInstanceOf(SpecPatch.Patched.class, r, () -> String.valueOf(r));
    }

    @Test
    void settingCores_changesOnlyThatAttribute_andTheResultValidates() throws Exception {
        JsonNode before = spec();
        SpecPatch.Patched p = patched(SpecPatch.apply(before, set("dev", Map.of("cores", IntNode.valueOf(8)))));
        assertEquals(8, p.spec().path("dev").path("proxmox").path("cores").asInt());
        JsonNode expected = spec();
        ((com.fasterxml.jackson.databind.node.ObjectNode) expected.path("dev").path("proxmox")).put("cores", 8);
        assertEquals(expected, p.spec(), "nothing else changes");
        assertEquals(spec(), before, "the latest version's tree is never modified");
        assertTrue(SpecValidator.validate(p.spec()).valid());
        assertEquals("[proxmox.cores = 8]", p.changed().toString());
    }

    @Test
    void dottedPaths_reachAnyAttribute_andNullRemovesIt() throws Exception {
        Map<String, JsonNode> set = new LinkedHashMap<>();
        set.put("proxmox.memory", IntNode.valueOf(8192));
        set.put("user", NullNode.getInstance());
        set.put("hostname", TextNode.valueOf("dev.example.org"));
        SpecPatch.Patched p = patched(SpecPatch.apply(spec(), set("dev", set)));
        assertEquals(8192, p.spec().path("dev").path("proxmox").path("memory").asInt());
        assertFalse(p.spec().path("dev").has("user"));
        assertEquals("dev.example.org", p.spec().path("dev").path("hostname").asText());
    }

    @Test
    void removingAHost_dropsIt_fromTheNextVersion() throws Exception {
        SpecPatch.Patched p = patched(SpecPatch.apply(spec(),
                new HostPatch("f", "web", Map.of(), true, "event", null, null, Optional.empty(), "tester")));
        assertFalse(p.spec().has("web"));
        assertTrue(p.spec().has("dev"));
    }

    @Test
    void anUnknownHost_isRefused_namingIt() throws Exception {
        SpecPatch.Refused r = assertInstanceOf(SpecPatch.Refused.class,
                SpecPatch.apply(spec(), set("ghost", Map.of("cores", IntNode.valueOf(8)))));
        assertTrue(r.unknownHost());
        assertEquals("hosts.ghost: no such host in the fleet's latest spec", r.problems().get(0).toString());
    }

    @Test
    void settingsKeys_emptyPatches_andSetWithRemove_areRefused() throws Exception {
        SpecPatch.Refused settings = assertInstanceOf(SpecPatch.Refused.class,
                SpecPatch.apply(spec(), set("_proxmox", Map.of("node", TextNode.valueOf("x")))));
        assertTrue(settings.problems().get(0).toString().contains("settings, not hosts"));
        SpecPatch.Refused empty = assertInstanceOf(SpecPatch.Refused.class, SpecPatch.apply(spec(), set("dev", Map.of())));
        assertTrue(empty.problems().get(0).toString().contains("changes nothing"));
        SpecPatch.Refused both = assertInstanceOf(SpecPatch.Refused.class, SpecPatch.apply(spec(),
                new HostPatch("f", "dev", Map.of("cores", IntNode.valueOf(4)), true, "event", null, null, Optional.empty(), "tester")));
        assertTrue(both.problems().get(0).toString().contains("not both"));
        assertFalse(both.unknownHost());
    }

    @Test
    void aPathThroughAValue_isRefused_namingThePath() throws Exception {
        SpecPatch.Refused r = assertInstanceOf(SpecPatch.Refused.class,
                SpecPatch.apply(spec(), set("dev", Map.of("proxmox.cores.x", IntNode.valueOf(1)))));
        assertEquals("hosts.dev.proxmox.cores: is a number, not an attribute set; cannot set hosts.dev.proxmox.cores.x",
                r.problems().get(0).toString());
        SpecPatch.Refused blank = assertInstanceOf(SpecPatch.Refused.class,
                SpecPatch.apply(spec(), set("dev", Map.of("proxmox..cores", IntNode.valueOf(1)))));
        assertTrue(blank.problems().get(0).toString().contains("empty segment"));
    }

    @Test
    void aPatchThatBreaksTheSpec_producesATreeTheValidatorRejects() throws Exception {
        SpecPatch.Patched p = patched(SpecPatch.apply(spec(), set("dev", Map.of("cores", IntNode.valueOf(0)))));
        SpecValidator.Result v = SpecValidator.validate(p.spec());
        assertFalse(v.valid());
        assertTrue(v.problems().toString().contains("hosts.dev.proxmox.cores"), v.problems().toString());
    }

    @Test
    void aShorthandName_meansTheProxmoxAttribute_onlyForHostsWithProxmox() throws Exception {
        SpecPatch.Patched p = patched(SpecPatch.apply(spec(), set("laptop", Map.of("cores", IntNode.valueOf(8)))));
        assertEquals(8, p.spec().path("laptop").path("cores").asInt(), "an unmanaged host gets the key as written");
    }
}
