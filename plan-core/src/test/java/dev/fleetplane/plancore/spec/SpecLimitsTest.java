package dev.fleetplane.plancore.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fleetplane.events.desired.SpecProblem;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpecLimitsTest {

    @Test
    void aNormalSpec_hasNoProblem() throws Exception {
        assertEquals(List.of(), SpecLimits.check(SpecJson.parse("""
                {"_proxmox": {"host": "10.0.0.1"}, "web": {"proxmox": {"vmid": 101, "tags": ["a", "b"]}}}""")));
    }

    @Test
    void aNulInAValueOrAKey_isNamedByItsPath() throws Exception {
        List<SpecProblem> p = SpecLimits.check(SpecJson.parse("""
                {"web": {"proxmox": {"name": "we\\u0000b", "tags": ["ok", "x\\u0000"]}}, "d\\u0000b": {}}"""));
        assertEquals(List.of(
                new SpecProblem("(root)", "has a key with a NUL character (\\u0000): 'd\\u0000b'"),
                new SpecProblem("hosts.web.proxmox.name", "contains a NUL character (\\u0000) at position 2"),
                new SpecProblem("hosts.web.proxmox.tags[1]", "contains a NUL character (\\u0000) at position 1")), p);
    }

    @Test
    void nestingDeeperThanTheLimit_isRefusedOnce_withoutRecursion() {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ObjectNode at = root.putObject("web");
        for (int i = 0; i < 100_000; i++) {
            at = at.putObject("a");
        }
        List<SpecProblem> p = SpecLimits.check(root);
        assertEquals(1, p.size(), p.toString());
        assertTrue(p.get(0).path().startsWith("hosts.web.a.a."), p.get(0).path());
        assertEquals("is nested deeper than 32 levels", p.get(0).message());
    }

    @Test
    void nulInSource_isFoundByLineAndColumn() {
        assertNull(SpecLimits.nulIn("{ web = 1; }"));
        assertEquals("line 2, column 4", SpecLimits.nulIn("{\n  w\0eb = 1; }"));
    }
}
