package dev.fleetplane.planner.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetplane.events.Json;
import dev.fleetplane.messaging.access.HostScope;
import dev.fleetplane.planner.eventlog.LoggedEvent;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The templates' and console sessions' summaries of their events. */
class SummariesTest {

    static final OffsetDateTime T0 = OffsetDateTime.parse("2026-12-07T10:00:00Z");

    static LoggedEvent e(long seq, String id, String type, String data) throws Exception {
        JsonNode d = Json.MAPPER.readTree(data);
        return new LoggedEvent(seq, id, type, "/src", d.path("template").asText(d.path("host").asText(null)),
                T0.plusSeconds(seq), "c", null, "t", 0, seq, d);
    }

    @Test
    void eachTemplate_showsItsNewestBuild() throws Exception {
        List<LoggedEvent> newestFirst = List.of(
                e(6, "x6", "fleetplane.template.uploaded.v1", "{\"template\": \"nixos\", \"buildId\": \"b2\"}"),
                e(5, "b2", "fleetplane.template.build-requested.v1", "{\"template\": \"nixos\"}"),
                e(4, "x4", "fleetplane.template.rejected.v1",
                        "{\"template\": \"small\", \"buildId\": \"b9\", \"step\": \"smoke-test\", \"reason\": \"no ssh\"}"),
                e(3, "x3", "fleetplane.template.ready.v1",
                        "{\"template\": \"nixos\", \"buildId\": \"b1\", \"vmid\": 9001, \"node\": \"pve\"}"),
                e(2, "x2", "fleetplane.template.candidate-created.v1",
                        "{\"template\": \"nixos\", \"buildId\": \"b1\", \"vmid\": 9001, \"node\": \"pve\"}"));
        List<TemplateBuilds.Build> builds = TemplateBuilds.of(newestFirst);
        TemplateBuilds.Build nixos = builds.stream().filter(b -> b.template().equals("nixos")).findFirst().orElseThrow();
        assertEquals("b2", nixos.buildId());
        assertEquals("Building", nixos.status());
        assertEquals("uploaded", nixos.step());
        TemplateBuilds.Build small = builds.stream().filter(b -> b.template().equals("small")).findFirst().orElseThrow();
        assertEquals("Rejected", small.status());
        assertEquals("no ssh", small.reason());
        assertEquals("smoke-test", small.step());
        TemplateBuilds.Build ready = TemplateBuilds.of(newestFirst.subList(3, 5)).get(0);
        assertEquals("Ready", ready.status());
        assertEquals(9001, ready.vmid());
    }

    @Test
    void consoleSessions_openUntilClosed_onlyInScope() throws Exception {
        List<LoggedEvent> newestFirst = List.of(
                e(4, "4", "fleetplane.console.session-closed.v1",
                        "{\"session\": \"s1\", \"host\": \"web\", \"reason\": \"client closed\"}"),
                e(3, "3", "fleetplane.console.session-opened.v1",
                        "{\"session\": \"s3\", \"host\": \"db\", \"openedAt\": \"2026-12-07T10:00:00Z\"}"),
                e(2, "2", "fleetplane.console.session-opened.v1",
                        "{\"session\": \"s2\", \"host\": \"web-2\", \"openedAt\": \"2026-12-07T10:00:00Z\"}"),
                e(1, "1", "fleetplane.console.session-opened.v1",
                        "{\"session\": \"s1\", \"host\": \"web\", \"openedAt\": \"2026-12-07T10:00:00Z\"}"));
        ConsoleSessions.View all = ConsoleSessions.of(newestFirst, HostScope.every(), 50, T0.plusSeconds(90));
        assertEquals(List.of("s3", "s2"), all.open().stream().map(n -> n.get("session").asText()).toList());
        assertEquals(90, all.open().get(0).get("seconds").asLong());
        assertEquals(List.of("s1"), all.closed().stream().map(n -> n.get("session").asText()).toList());
        ConsoleSessions.View web = ConsoleSessions.of(newestFirst, HostScope.of("t", List.of("web*")), 50, T0);
        assertEquals(List.of("s2"), web.open().stream().map(n -> n.get("session").asText()).toList());
    }
}
