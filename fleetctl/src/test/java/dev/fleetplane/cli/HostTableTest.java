package dev.fleetplane.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class HostTableTest {

    @Test
    void theTable_showsStateAndBothConditions() throws Exception {
        JsonNode hosts = new ObjectMapper().readTree("""
                [{"host": "web", "vmid": 111, "ip": "10.0.0.11", "state": "Ready", "secondsTaken": 12,
                  "conditions": [{"type": "Ready", "status": "True", "reason": "HostReady"},
                                 {"type": "Reconciled", "status": "True", "reason": "MatchesSpec"}]},
                 {"host": "db", "vmid": 112, "state": "Failed", "step": "clone", "reason": "locked",
                  "conditions": [{"type": "Ready", "status": "False", "reason": "Failed"},
                                 {"type": "Reconciled", "status": "False", "reason": "Failed"}]}]""");
        String[] lines = HostTable.render(hosts).split(System.lineSeparator());
        assertEquals(3, lines.length);
        assertTrue(lines[0].matches("HOST +VMID +IP +STATE +READY +RECONCILED +TIME +REASON"), lines[0]);
        assertTrue(lines[1].matches("web +111 +10\\.0\\.0\\.11 +Ready +True/HostReady +True/MatchesSpec +12\\.0s +-"), lines[1]);
        assertTrue(lines[2].matches("db +112 +- +Failed +False/Failed +False/Failed +- +clone: locked"), lines[2]);
    }

    @Test
    void aPlannerWithoutConditions_showsDashes() throws Exception {
        JsonNode h = new ObjectMapper().readTree("{\"host\": \"x\", \"state\": \"Ready\"}");
        assertEquals("-", HostTable.condition(h, "Ready"));
    }
}
