package dev.fleetplane.planner;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.Topics;
import dev.fleetplane.events.pve.VmConfigured;
import dev.fleetplane.events.pve.VmStarted;
import dev.fleetplane.localstack.quarkus.LocalStackTestResource;
import dev.fleetplane.localstack.quarkus.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The event log through REST: filters by host, type, correlation id and time, and a cursor to follow it. */
@QuarkusTest
@QuarkusTestResource(LocalStackTestResource.class)
class EventLogIT {

    static FleetPlay play;

    @BeforeAll
    static void connect() {
        TestTokens.actAsOperator();
        play = new FleetPlay();
    }

    @AfterAll
    static void disconnect() throws Exception {
        play.close();
    }

    static FleetEvent started(String host, String corr, OffsetDateTime time) {
        FleetEvent e = FleetEvent.create(EventCatalog.VM_STARTED, FleetPlay.ADAPTER, host,
                new VmStarted("pve", 901, "UPID:" + host), corr);
        return new FleetEvent(e.id(), e.type(), e.source(), e.subject(), time, e.correlationId(), null, e.data());
    }

    static List<String> ids(String query) {
        return given().when().get("/api/v1/events?" + query).then().statusCode(200).extract().jsonPath().getList("id");
    }

    static List<String> awaitIds(String query, int n) throws InterruptedException {
        long end = System.nanoTime() + FleetPlay.WAIT.toNanos();
        List<String> ids = List.of();
        while (System.nanoTime() < end) {
            ids = ids(query);
            if (ids.size() >= n) {
                return ids;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(query + " found only " + ids);
    }

    @Test
    void filters_byHostTypeCorrelationAndTime() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String a = "loga-" + run;
        String b = "logb-" + run;
        OffsetDateTime t0 = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS).minusHours(1);
        FleetEvent a1 = started(a, "c1-" + run, t0);
        FleetEvent a2 = FleetEvent.create(EventCatalog.VM_CONFIGURED, FleetPlay.ADAPTER, a,
                new VmConfigured("pve", 901, List.of("cores")), "c2-" + run);
        FleetEvent b1 = started(b, "c1-" + run, t0.plusMinutes(10));
        play.pve(a, a1);
        play.pve(a, a2);
        play.pve(b, b1);

        assertEquals(List.of(a1.id(), a2.id()), awaitIds("host=" + a, 2), "oldest first");
        awaitIds("host=" + b, 1);
        assertEquals(List.of(a1.id()), ids("host=" + a + "&type=fleetplane.vm.started"));
        assertEquals(List.of(a1.id()), ids("host=" + a + "&type=fleetplane.vm.started.v1"));
        assertEquals(List.of(a1.id(), b1.id()), ids("correlationId=c1-" + run));
        assertEquals(List.of(b1.id()), ids("correlationId=c1-" + run + "&since=" + t0.plusMinutes(5)));
        assertEquals(List.of(a1.id()), ids("correlationId=c1-" + run + "&until=" + t0.plusMinutes(5)));
        assertEquals(List.of(a2.id()), ids("host=" + a + "&limit=1"), "the newest one");
        Response r = given().when().get("/api/v1/events?host=" + a);
        assertEquals(Topics.PVE_EVENTS, r.jsonPath().getString("[0].topic"));
        assertEquals("UPID:" + a, r.jsonPath().getString("[0].data.upid"));
    }

    @Test
    void aCursor_followsTheLog_withoutMissingOrRepeatingAnEvent() throws Exception {
        String host = "follow-" + UUID.randomUUID().toString().substring(0, 8);
        FleetEvent first = started(host, "f", OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS));
        play.pve(host, first);
        awaitIds("host=" + host, 1);
        String cursor = given().when().get("/api/v1/events?host=" + host).then().statusCode(200)
                .extract().header("X-Fleetplane-Cursor");
        assertTrue(Long.parseLong(cursor) > 0, cursor);
        // Nothing new yet: the same cursor comes back.
        Response empty = given().when().get("/api/v1/events?host=" + host + "&after=" + cursor);
        assertEquals(List.of(), empty.jsonPath().getList("id"));
        assertEquals(cursor, empty.header("X-Fleetplane-Cursor"));

        FleetEvent second = started(host, "f", OffsetDateTime.now(ZoneOffset.UTC).minusDays(1));
        FleetEvent third = started(host, "f", OffsetDateTime.now(ZoneOffset.UTC));
        play.pve(host, second);
        play.pve(host, third);
        // Paging with limit=1 from the cursor: each event once, in log order, even the one with an older time.
        List<String> seen = new java.util.ArrayList<>();
        long end = System.nanoTime() + FleetPlay.WAIT.toNanos();
        while (seen.size() < 2 && System.nanoTime() < end) {
            Response page = given().when().get("/api/v1/events?host=" + host + "&limit=1&after=" + cursor);
            page.then().statusCode(200);
            seen.addAll(page.jsonPath().getList("id"));
            cursor = page.header("X-Fleetplane-Cursor");
            Thread.sleep(50);
        }
        assertEquals(List.of(second.id(), third.id()), seen);
        assertEquals(List.of(), ids("host=" + host + "&after=" + cursor));
    }

    @Test
    void anEventWithANulCharacter_isLogged_withTheSymbolForNull_notDeadLettered() throws Exception {
        String host = "nul-" + UUID.randomUUID().toString().substring(0, 8);
        FleetEvent e = FleetEvent.create(EventCatalog.VM_STARTED, FleetPlay.ADAPTER, host,
                new VmStarted("pve", 901, "UPID:a\u0000b"), "corr-" + host);
        play.publish(Topics.PVE_EVENTS, host, e);
        awaitIds("host=" + host, 1);
        given().when().get("/api/v1/events?host=" + host).then().statusCode(200)
                .body("[0].id", org.hamcrest.Matchers.equalTo(e.id()))
                .body("[0].data.upid", org.hamcrest.Matchers.equalTo("UPID:a\u2400b"));
    }

    @Test
    void badQueries_get400_namingTheParameter() {
        given().when().get("/api/v1/events?after=abc").then().statusCode(400).body("error", containsString("after"));
        given().when().get("/api/v1/events?host=" + "h".repeat(1000)).then().statusCode(400)
                .body("error", org.hamcrest.Matchers.equalTo("host is longer than 256 characters (1000)"));
        given().queryParam("correlationId", "a\u0000b").when().get("/api/v1/events").then().statusCode(400)
                .body("error", org.hamcrest.Matchers.equalTo("correlationId contains a NUL character"));
        given().when().get("/api/v1/events?after=-1").then().statusCode(400).body("error", containsString("after"));
        given().when().get("/api/v1/events?until=tomorrow").then().statusCode(400).body("error", containsString("until"));
        given().when().get("/api/v1/events?limit=0").then().statusCode(400).body("error", containsString("limit"));
        given().when().get("/api/v1/events?since=2026-01-02T00:00:00Z&until=2026-01-01T00:00:00Z").then()
                .statusCode(400).body("error", containsString("before until"));
    }
}
