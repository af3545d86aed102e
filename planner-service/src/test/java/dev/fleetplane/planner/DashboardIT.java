package dev.fleetplane.planner;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.Topics;
import dev.fleetplane.events.plans.HostStateChanged;
import dev.fleetplane.events.plans.PlannedChange;
import dev.fleetplane.events.pve.InventoryObserved;
import dev.fleetplane.events.pve.ObservedVm;
import dev.fleetplane.events.pve.VmStarted;
import dev.fleetplane.localstack.quarkus.LocalStackTestResource;
import dev.fleetplane.localstack.quarkus.TestTokens;
import dev.fleetplane.messaging.Database;
import dev.fleetplane.planner.lifecycle.HostDesired;
import dev.fleetplane.planner.lifecycle.HostLifecycle;
import dev.fleetplane.planner.lifecycle.HostRecord;
import dev.fleetplane.planner.lifecycle.HostState;
import dev.fleetplane.planner.lifecycle.HostStore;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's reads and the live event stream against real Kafka and PostgreSQL: events published on their
 * topics reach the event log, the LISTEN/NOTIFY feed and an SSE client in order, with their seq as id.
 */
@QuarkusTest
@QuarkusTestResource(LocalStackTestResource.class)
class DashboardIT {

    static final Duration WAIT = FleetPlay.WAIT;
    static FleetPlay play;

    @TestHTTPResource("/")
    URI base;

    @Inject
    Database database;

    @Inject
    HostStore hosts;

    @BeforeAll
    static void connect() {
        TestTokens.actAsOperator();
        play = new FleetPlay();
    }

    @AfterAll
    static void disconnect() throws Exception {
        play.close();
    }

    static String run() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    static FleetEvent started(String host, String corr) {
        return FleetEvent.create(EventCatalog.VM_STARTED, FleetPlay.ADAPTER, host, new VmStarted("pve", 901, "UPID"),
                corr);
    }

    static FleetEvent at(FleetEvent e, OffsetDateTime time) {
        return new FleetEvent(e.id(), e.type(), e.source(), e.subject(), time, e.correlationId(), null, e.data());
    }

    static FleetEvent stateChanged(String fleet, String host, String from, String to, OffsetDateTime time) {
        return at(FleetEvent.create(EventCatalog.HOST_STATE_CHANGED, "/fleetplane/planner", host,
                new HostStateChanged(fleet, host, 7301, from, to, null, null), "plan-" + fleet), time);
    }

    @Test
    void theStream_deliversNewEventsInOrder_withTheirSeqAsId_andResumesWithLastEventId() throws Exception {
        String host = "sse-" + run();
        try (SseClient live = SseClient.open(base, "/api/v1/events/stream?host=" + host, TestTokens.VIEWER, null)) {
            assertEquals(200, live.status, live.body);
            FleetEvent a = started(host, "c-" + host);
            FleetEvent b = started(host, "c-" + host);
            FleetEvent c = started(host, "c-" + host);
            play.pve(host, a);
            play.pve(host, b);
            play.pve(host, c);
            SseClient.Event ea = live.next(WAIT);
            SseClient.Event eb = live.next(WAIT);
            SseClient.Event ec = live.next(WAIT);
            assertEquals(List.of("fleet-event", "fleet-event", "fleet-event"), List.of(ea.name(), eb.name(), ec.name()));
            assertEquals(List.of(a.id(), b.id(), c.id()),
                    List.of(ea.json().get("id").asText(), eb.json().get("id").asText(), ec.json().get("id").asText()));
            long sa = Long.parseLong(ea.id());
            long sb = Long.parseLong(eb.id());
            long sc = Long.parseLong(ec.id());
            assertTrue(sa < sb && sb < sc, ea.id() + " " + eb.id() + " " + ec.id());
            assertEquals(sa, ea.json().get("seq").asLong());
            assertEquals(Topics.PVE_EVENTS, ea.json().get("topic").asText());
            assertEquals("UPID", ea.json().at("/data/upid").asText());

            // A client that saw only the first one resumes after it: exactly the two it missed, then live again.
            try (SseClient resumed = SseClient.open(base, "/api/v1/events/stream?host=" + host, TestTokens.VIEWER,
                    ea.id())) {
                assertEquals(200, resumed.status, resumed.body);
                assertEquals(eb.id(), resumed.next(WAIT).id());
                assertEquals(ec.id(), resumed.next(WAIT).id());
                FleetEvent d = started(host, "c-" + host);
                play.pve(host, d);
                assertEquals(d.id(), resumed.next(WAIT).json().get("id").asText(), "nothing repeated, nothing skipped");
                assertEquals(d.id(), live.next(WAIT).json().get("id").asText());
            }
            // ?after= does the same as the header.
            try (SseClient after = SseClient.open(base, "/api/v1/events/stream?host=" + host + "&after=" + eb.id(),
                    TestTokens.VIEWER, null)) {
                assertEquals(ec.id(), after.next(WAIT).id());
            }
        }
    }

    @Test
    void theStream_filtersByHostTypeAndCorrelationId() throws Exception {
        String r = run();
        String a = "fa-" + r;
        String b = "fb-" + r;
        try (SseClient byHost = SseClient.open(base, "/api/v1/events/stream?host=" + a, TestTokens.VIEWER, null);
             SseClient byCorr = SseClient.open(base, "/api/v1/events/stream?correlationId=corr-" + r
                     + "&type=fleetplane.vm.started", TestTokens.VIEWER, null)) {
            FleetEvent other = started(b, "corr-" + r);
            FleetEvent mine = started(a, "elsewhere-" + r);
            FleetEvent otherType = FleetEvent.create(EventCatalog.HOST_STATE_CHANGED, "/fleetplane/planner", b,
                    new HostStateChanged("f", b, 1, null, "Pending", null, null), "corr-" + r);
            play.pve(b, other);
            play.publish(Topics.FLEET_PLANS, b, otherType);
            play.pve(a, mine);
            assertEquals(mine.id(), byHost.next(WAIT).json().get("id").asText(), "the other host's event is not sent");
            assertEquals(other.id(), byCorr.next(WAIT).json().get("id").asText());
            FleetEvent last = started(b, "corr-" + r);
            play.pve(b, last);
            assertEquals(last.id(), byCorr.next(WAIT).json().get("id").asText(), "the state change is not a VM start");
        }
    }

    @Test
    void badStreamRequests_get400_namingWhatIsWrong() throws Exception {
        try (SseClient s = SseClient.open(base, "/api/v1/events/stream", TestTokens.VIEWER, "abc")) {
            assertEquals(400, s.status);
            assertTrue(s.body.contains("Last-Event-ID"), s.body);
        }
        try (SseClient s = SseClient.open(base, "/api/v1/events/stream?after=-3", TestTokens.VIEWER, null)) {
            assertEquals(400, s.status);
            assertTrue(s.body.contains("after"), s.body);
        }
        try (SseClient s = SseClient.open(base, "/api/v1/events/stream?type=" + "x".repeat(300), TestTokens.VIEWER,
                null)) {
            assertEquals(400, s.status);
            assertTrue(s.body.contains("type is longer than 256"), s.body);
        }
        try (SseClient s = SseClient.open(base, "/api/v1/events/stream?host=a%3Bb", TestTokens.VIEWER, null)) {
            assertEquals(400, s.status);
            assertTrue(s.body.contains("host must be a host name"), s.body);
        }
        try (SseClient s = SseClient.open(base, "/api/v1/events/stream?backlog=501", TestTokens.VIEWER, null)) {
            assertEquals(400, s.status);
            assertTrue(s.body.contains("backlog"), s.body);
        }
    }

    @Test
    void aTokenHoldsAtMost16Streams_theNextIs429_untilOneCloses() throws Exception {
        List<SseClient> open = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 16; i++) {
                SseClient s = SseClient.open(base, "/api/v1/events/stream", TestTokens.CI, null);
                open.add(s);
                assertEquals(200, s.status, s.body);
            }
            try (SseClient refused = SseClient.open(base, "/api/v1/events/stream", TestTokens.CI, null)) {
                assertEquals(429, refused.status);
                assertTrue(refused.body.contains("token it-ci has 16 event streams open already"), refused.body);
            }
            open.remove(0).close();
            // The planner notices the closed connection within its next tick; then a slot is free again.
            long end = System.nanoTime() + WAIT.toNanos();
            int status = 0;
            while (System.nanoTime() < end) {
                SseClient again = SseClient.open(base, "/api/v1/events/stream", TestTokens.CI, null);
                status = again.status;
                if (status == 200) {
                    open.add(again);
                    break;
                }
                Thread.sleep(200);
            }
            assertEquals(200, status, "a slot is free once a stream closed");
        } finally {
            open.forEach(SseClient::close);
        }
    }

    @Test
    void theHostsTable_showsStateSince_desiredObservedAndTheLastEvent() throws Exception {
        String r = run();
        String fleet = "dash-" + r;
        String host = "row-" + r;
        int vmid = 7301;
        database.inTransaction(c -> {
            hosts.enqueue(c, new HostRecord(fleet, host, vmid, "pve", HostState.Pending, null, null, null, null,
                    new HostDesired(vmid, host, 2, 2048, "32G", "local-lvm", 9003, "root", null, null, Map.of()),
                    new PlannedChange(host, HostLifecycle.CREATE, vmid, "pve", List.of()),
                    HostLifecycle.Origin.created, null, null, null, null, null));
            return null;
        });
        OffsetDateTime entered = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS).minusMinutes(3);
        FleetEvent state = stateChanged(fleet, host, null, "Pending", entered);
        play.publish(Topics.FLEET_PLANS, fleet, state);
        play.pve("pve", FleetEvent.create(EventCatalog.INVENTORY_OBSERVED, FleetPlay.ADAPTER, "pve",
                new InventoryObserved("https://pve:8006", List.of(new ObservedVm(vmid, host, "pve", "stopped", false, 4,
                        4096L * 1024 * 1024, 64L * 1024 * 1024 * 1024, List.of("fleetplane"))), "d-" + r), "spec-" + r));
        FleetEvent last = started(host, "plan-" + r);
        play.pve(host, last);

        JsonPath row = null;
        long end = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < end) {
            JsonPath all = given().header("Authorization", TestTokens.bearer(TestTokens.VIEWER))
                    .get("/api/v1/dashboard/hosts?fleet=" + fleet).then().statusCode(200).extract().jsonPath();
            if (all.getList("$").size() == 1 && last.id() != null
                    && all.getString("[0].lastEvent.type") != null
                    && all.getString("[0].lastEvent.type").startsWith("fleetplane.vm.started")
                    && all.get("[0].observed") != null && all.getString("[0].stateSince").startsWith(
                            entered.toString().substring(0, 16))) {
                row = all;
                break;
            }
            Thread.sleep(200);
        }
        assertTrue(row != null, "the host row never showed its state change, inventory and newest event");
        assertEquals(host, row.getString("[0].host"));
        assertEquals("Pending", row.getString("[0].state"));
        assertEquals("Ready", row.getString("[0].conditions[0].type"));
        assertTrue(row.getLong("[0].secondsInState") >= 170, row.getString("[0].secondsInState"));
        assertEquals("stopped", row.getString("[0].observed.status"));
        assertEquals(4, row.getInt("[0].observed.cores"));
        assertEquals(4096, row.getInt("[0].observed.memory"));
        assertEquals("64G", row.getString("[0].observed.disk"));
        assertNull(row.get("[0].desired"), "no plan and no spec: nothing desired to show");
        assertTrue(row.getLong("[0].lastEvent.seq") > 0);
    }

    @Test
    void theTimeline_givesEachStateItsDuration_andTheHostsEvents() throws Exception {
        String r = run();
        String fleet = "tl-" + r;
        String host = "tl-" + r;
        OffsetDateTime t0 = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS).minusHours(1);
        play.publish(Topics.FLEET_PLANS, fleet, stateChanged(fleet, host, null, "Pending", t0));
        play.publish(Topics.FLEET_PLANS, fleet, stateChanged(fleet, host, "Pending", "Cloning", t0.plusSeconds(5)));
        play.publish(Topics.FLEET_PLANS, fleet, stateChanged(fleet, host, "Cloning", "Configuring", t0.plusSeconds(65)));
        play.publish(Topics.FLEET_PLANS, "other", stateChanged("other", host, null, "Gone", t0.plusSeconds(70)));

        JsonPath t = null;
        long end = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < end) {
            t = given().header("Authorization", TestTokens.bearer(TestTokens.VIEWER))
                    .get("/api/v1/hosts/" + host + "/timeline?fleet=" + fleet).then().extract().jsonPath();
            if (t.getList("events") != null && t.getList("events").size() == 4) {
                break;
            }
            Thread.sleep(200);
        }
        assertEquals(List.of("Pending", "Cloning", "Configuring"), t.getList("steps.state"));
        assertEquals(List.of(5, 60), t.getList("steps.seconds", Integer.class).subList(0, 2));
        assertEquals(t.getString("steps[1].enteredAt"), t.getString("steps[0].leftAt"));
        assertNull(t.get("steps[2].leftAt"), "the state it is in now has not been left");
        assertTrue(t.getLong("steps[2].seconds") >= 3500, "running until now");
        assertEquals(4, t.getList("events").size(), "every event about the host, whatever its fleet");

        given().header("Authorization", TestTokens.bearer(TestTokens.VIEWER))
                .get("/api/v1/hosts/nobody-" + r + "/timeline").then().statusCode(404)
                .body("error", containsString("nobody-" + r));
    }

    @Test
    void templatesAndConsoleSessions_areReadFromTheirEvents() throws Exception {
        String r = run();
        String template = "tpl-" + r;
        FleetEvent cmd = FleetEvent.create(EventCatalog.BUILD_TEMPLATE, "/fleetplane/cli", template,
                new dev.fleetplane.events.templates.BuildTemplate(template, null, null, "api", "pve", null, null, "it"),
                "build-" + r);
        play.publish(Topics.TEMPLATES_COMMANDS, template, cmd);
        play.publish(Topics.TEMPLATES_EVENTS, template, FleetEvent.causedBy(cmd, EventCatalog.TEMPLATE_READY,
                "/fleetplane/template-builder", template, new dev.fleetplane.events.templates.TemplateReady(template,
                        cmd.id(), "pve", 9123, "ab", "recipe", "api")));
        String session = "s-" + r;
        java.time.Instant opened = java.time.Instant.now().minusSeconds(30);
        play.publish(Topics.CONSOLE_SESSIONS, "web", FleetEvent.create(EventCatalog.CONSOLE_SESSION_OPENED,
                "/fleetplane/console-gateway", "web", new dev.fleetplane.events.console.ConsoleSessionOpened(session,
                        "web", "pve", 101, "alice", "10.0.0.9", "pve-api", "write", opened), session));
        String gone = "g-" + r;
        play.publish(Topics.CONSOLE_SESSIONS, "web", FleetEvent.create(EventCatalog.CONSOLE_SESSION_OPENED,
                "/fleetplane/console-gateway", "web", new dev.fleetplane.events.console.ConsoleSessionOpened(gone,
                        "web", "pve", 101, "bob", "10.0.0.8", "pve-api", "read", opened), gone));
        play.publish(Topics.CONSOLE_SESSIONS, "web", FleetEvent.create(EventCatalog.CONSOLE_SESSION_CLOSED,
                "/fleetplane/console-gateway", "web", new dev.fleetplane.events.console.ConsoleSessionClosed(gone,
                        "web", "pve", 101, "bob", "10.0.0.8", "pve-api", opened, java.time.Instant.now(), 30_000, 0,
                        10, List.of(), "client closed"), gone));

        long end = System.nanoTime() + WAIT.toNanos();
        JsonPath t = null;
        JsonPath s = null;
        while (System.nanoTime() < end) {
            t = given().header("Authorization", TestTokens.bearer(TestTokens.VIEWER)).get("/api/v1/dashboard/templates")
                    .then().statusCode(200).extract().jsonPath();
            s = given().header("Authorization", TestTokens.bearer(TestTokens.VIEWER))
                    .get("/api/v1/dashboard/console-sessions").then().statusCode(200).extract().jsonPath();
            if (t.getList("builds.findAll { it.template == '" + template + "' && it.status == 'Ready' }").size() == 1
                    && s.getList("closed.findAll { it.session == '" + gone + "' }").size() == 1) {
                break;
            }
            Thread.sleep(200);
        }
        assertEquals(9123, t.getInt("builds.find { it.template == '" + template + "' }.vmid"));
        assertEquals(cmd.id(), t.getString("builds.find { it.template == '" + template + "' }.buildId"));
        assertEquals(List.of("alice"), s.getList("open.findAll { it.session == '" + session + "' }.operator"));
        assertEquals(List.of(), s.getList("open.findAll { it.session == '" + gone + "' }"), "closed is not open");
        assertEquals("client closed", s.getString("closed.find { it.session == '" + gone + "' }.reason"));
    }
}
