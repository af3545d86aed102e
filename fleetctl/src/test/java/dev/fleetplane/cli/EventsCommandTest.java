package dev.fleetplane.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class EventsCommandTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aLine_showsTimeTypeSubject_andTheDataWithoutSchemaVersion() throws Exception {
        JsonNode e = JSON.readTree("""
                {"seq": 7, "time": "2026-01-31T12:00:01.123Z", "type": "fleetplane.vm.cloned.v1", "subject": "web",
                 "data": {"schemaVersion": 1, "node": "pve", "vmid": 111, "name": "web", "upid": null,
                          "keys": ["cores", "memory"], "vms": [{"a": 1}, {"b": 2}], "extra": {}}}""");
        String line = EventsCommand.line(e);
        assertTrue(line.startsWith("2026-01-31T12:00:01.123Z  fleetplane.vm.cloned.v1"), line);
        assertTrue(line.contains("  web  "), line);
        assertTrue(line.endsWith("node=pve vmid=111 name=web keys=[cores,memory] vms=[2]"), line);
    }

    @Test
    void longData_isCutToOneLine() throws Exception {
        JsonNode data = JSON.readTree("{\"message\": \"" + "x ".repeat(200) + "\", \"a\": \"" + "y".repeat(60)
                + "\", \"b\": \"" + "z".repeat(60) + "\", \"c\": \"" + "w".repeat(60) + "\"}");
        String summary = EventsCommand.summary(data);
        assertTrue(summary.length() <= EventsCommand.SUMMARY_WIDTH, summary);
        assertTrue(summary.endsWith("…"), summary);
        assertTrue(!summary.contains("\n"));
    }

    @Test
    void anEventWithoutSubject_showsADash() throws Exception {
        JsonNode e = JSON.readTree("""
                {"time": "t", "type": "fleetplane.plan.applied.v1", "subject": null, "data": {"planId": "plan-1"}}""");
        assertEquals("planId=plan-1", EventsCommand.summary(e.path("data")));
        assertTrue(EventsCommand.line(e).contains("  -  "), EventsCommand.line(e));
    }
}
