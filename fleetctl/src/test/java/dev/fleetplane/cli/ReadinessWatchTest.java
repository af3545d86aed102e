package dev.fleetplane.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReadinessWatchTest {

    private static final String KAFKA_DOWN = """
            {"status":"DOWN","checks":[
              {"name":"Kafka","status":"DOWN","data":{"bootstrap-servers":"127.0.0.1:9092",
                "error":"kafka unreachable at 127.0.0.1:9092 (Timed out waiting for a node assignment.)"}},
              {"name":"PostgreSQL","status":"UP","data":{"address":"127.0.0.1:5432"}},
              {"name":"SmallRye Reactive Messaging - readiness check","status":"DOWN","data":{"pve-events":"[KO]"}}]}
            """;
    private static final String UP = """
            {"status":"UP","checks":[{"name":"Kafka","status":"UP"},{"name":"PostgreSQL","status":"UP"}]}
            """;

    @Test
    void aServiceGoingNotReady_isPrintedWithTheDependencyAndItsError_thenReadyAgain() {
        ReadinessWatch.Tracker t = new ReadinessWatch.Tracker();
        assertEquals(Optional.empty(), t.observe("planner-service", 200, UP), "ready as up saw it: nothing to say");
        assertEquals(Optional.of("planner-service: not ready: kafka unreachable at 127.0.0.1:9092 (Timed out waiting"
                + " for a node assignment.)"), t.observe("planner-service", 503, KAFKA_DOWN));
        assertEquals(Optional.empty(), t.observe("planner-service", 503, KAFKA_DOWN), "said once while it lasts");
        assertEquals(Optional.empty(), t.observe("proxmox-adapter", 200, UP), "another service is its own");
        assertEquals(Optional.of("planner-service: ready again"), t.observe("planner-service", 200, UP));
        assertEquals(Optional.empty(), t.observe("planner-service", 200, UP));
    }

    @Test
    void aChangedReason_isPrintedAgain() {
        ReadinessWatch.Tracker t = new ReadinessWatch.Tracker();
        t.observe("provisioner-service", 503, KAFKA_DOWN);
        String both = """
                {"status":"DOWN","checks":[
                  {"name":"Kafka","status":"DOWN","data":{"error":"kafka unreachable at k:9092 (timeout)"}},
                  {"name":"PostgreSQL","status":"DOWN","data":{"error":"postgresql unreachable at p:5432 (refused)"}}]}
                """;
        assertEquals(Optional.of("provisioner-service: not ready: kafka unreachable at k:9092 (timeout); "
                + "postgresql unreachable at p:5432 (refused)"), t.observe("provisioner-service", 503, both));
    }

    @Test
    void reason_ofProxmoxCheck_andOfChecksWithoutError_andOfNoReport() {
        assertEquals("Proxmox VE API: connection refused", ReadinessWatch.reason(503, """
                {"status":"DOWN","checks":[{"name":"Proxmox VE API","status":"DOWN",
                  "data":{"url":"https://pve:8006","reason":"connection refused"}}]}"""));
        assertEquals("SmallRye Reactive Messaging - readiness check {\"pve-events\":\"[KO]\"}",
                ReadinessWatch.reason(503, """
                        {"status":"DOWN","checks":[{"name":"SmallRye Reactive Messaging - readiness check",
                          "status":"DOWN","data":{"pve-events":"[KO]"}}]}"""));
        assertEquals("HTTP 503 without a health report", ReadinessWatch.reason(503, "<html>"));
        assertEquals("HTTP 500 with no check down", ReadinessWatch.reason(500, "{\"status\":\"UP\",\"checks\":[]}"));
    }
}
