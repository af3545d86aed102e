package dev.fleetplane.planner;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.IntNode;
import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.Topics;
import dev.fleetplane.events.desired.PatchHost;
import dev.fleetplane.events.desired.SpecAccepted;
import dev.fleetplane.events.desired.SpecRejected;
import dev.fleetplane.localstack.quarkus.LocalStackTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Desired-state changes of one host, over REST and Kafka: each accepted patch is the next immutable spec version. */
@QuarkusTest
@QuarkusTestResource(LocalStackTestResource.class)
class SpecPatchIT {

    static final String SPEC = """
            {"_proxmox": {"host": "10.0.0.1", "node": "pve", "defaultStorage": "local-lvm", "templateVmid": 9003},
             "dev": {"proxmox": {"vmid": 510, "cores": 2, "memory": 2048, "disk": "32G"}},
             "web": {"proxmox": {"vmid": 511, "cores": 2, "memory": 2048, "disk": "32G"}}}""";

    static FleetPlay play;

    @BeforeAll
    static void connect() {
        play = new FleetPlay();
    }

    @AfterAll
    static void disconnect() throws Exception {
        play.close();
    }

    static long push(String fleet) {
        return given().contentType("application/json").queryParam("fleet", fleet).body(SPEC)
                .when().post("/api/v1/specs").then().statusCode(202).extract().jsonPath().getLong("specVersion");
    }

    @Test
    void settingCores_makesTheNextVersion_withTheRestUnchanged() {
        String fleet = "patch-" + UUID.randomUUID().toString().substring(0, 8);
        long base = push(fleet);
        long next = given().contentType("application/json").queryParam("fleet", fleet)
                .body("{\"set\": {\"cores\": 8}, \"revision\": \"r42\", \"baseVersion\": " + base + "}")
                .when().patch("/api/v1/hosts/dev").then().statusCode(202)
                .header("Location", containsString("/api/v1/specs/"))
                .body("source", equalTo("operator")).body("revision", equalTo("r42"))
                .extract().jsonPath().getLong("specVersion");
        assertTrue(next > base);
        given().when().get("/api/v1/specs/" + next + "/content").then().statusCode(200)
                .body("dev.proxmox.cores", equalTo(8)).body("web.proxmox.cores", equalTo(2));
        given().when().get("/api/v1/specs/" + base + "/content").then().statusCode(200)
                .body("dev.proxmox.cores", equalTo(2));

        // Removing a host is a patch too.
        long removed = given().contentType("application/json").queryParam("fleet", fleet).body("{\"remove\": true}")
                .when().patch("/api/v1/hosts/web").then().statusCode(202).extract().jsonPath().getLong("specVersion");
        given().when().get("/api/v1/specs/" + removed + "/content").then().statusCode(200)
                .body("web", equalTo(null)).body("dev.proxmox.cores", equalTo(8));

        // A patch computed on an older version is refused rather than silently undoing a newer one.
        given().contentType("application/json").queryParam("fleet", fleet)
                .body("{\"set\": {\"memory\": 4096}, \"baseVersion\": " + base + "}")
                .when().patch("/api/v1/hosts/dev").then().statusCode(409).body("error", containsString("version"));
    }

    @Test
    void badPatches_areRejected_namingTheProblem_andLeaveNoVersionBehind() throws Exception {
        String fleet = "badpatch-" + UUID.randomUUID().toString().substring(0, 8);
        given().contentType("application/json").queryParam("fleet", fleet).body("{\"set\": {\"cores\": 8}}")
                .when().patch("/api/v1/hosts/dev").then().statusCode(404)
                .body("error", containsString("no spec version to patch"));
        long base = push(fleet);
        given().contentType("application/json").queryParam("fleet", fleet).body("{\"set\": {\"cores\": 8}}")
                .when().patch("/api/v1/hosts/ghost").then().statusCode(404)
                .body("error", containsString("no host 'ghost'"))
                .body("details", hasItem(containsString("hosts.ghost")));
        given().contentType("application/json").queryParam("fleet", fleet).body("{\"set\": {\"cores\": 0}}")
                .when().patch("/api/v1/hosts/dev").then().statusCode(400)
                .body("details", hasItem(containsString("hosts.dev.proxmox.cores")));
        given().contentType("application/json").queryParam("fleet", fleet).body("{\"set\": {\"cores\": 8}}")
                .when().patch("/api/v1/hosts/{host}", "dev`reboot`").then().statusCode(400)
                .body("error", containsString("host name must match"));
        given().contentType("application/json").queryParam("fleet", fleet).body("{}")
                .when().patch("/api/v1/hosts/dev").then().statusCode(400)
                .body("details", hasItem(containsString("changes nothing")));

        // Nothing of them was stored: the next accepted input is the very next version.
        long next = given().contentType("application/json").queryParam("fleet", fleet).body("{\"set\": {\"cores\": 3}}")
                .when().patch("/api/v1/hosts/dev").then().statusCode(202).extract().jsonPath().getLong("specVersion");
        given().when().get("/api/v1/specs/" + next + "/content").then().body("dev.proxmox.cores", equalTo(3));
        for (long v = base + 1; v < next; v++) {
            var other = given().when().get("/api/v1/specs/" + v).then().extract();
            assertTrue(other.statusCode() == 404 || !fleet.equals(other.jsonPath().getString("fleet")),
                    "spec version " + v + " of " + fleet + " was left behind by a rejected patch");
        }
        // The unknown host is on record as a rejection naming it.
        SpecRejected rejected = play.recorder.await("SpecRejected naming ghost", s -> s.event() != null
                && s.event().is(EventCatalog.SPEC_REJECTED) && fleet.equals(s.key())
                && s.event().data().toString().contains("hosts.ghost"), FleetPlay.WAIT)
                .event().dataAs(EventCatalog.SPEC_REJECTED);
        assertEquals(fleet, rejected.fleet());
    }

    @Test
    void patchEvents_onFleetDesired_makeTheNextVersion_andAnUnknownHostIsRejectedByName() throws Exception {
        String fleet = "evpatch-" + UUID.randomUUID().toString().substring(0, 8);
        long base = push(fleet);
        play.publish(Topics.FLEET_DESIRED, fleet, FleetEvent.create(EventCatalog.PATCH_HOST, "/operator", "web",
                new PatchHost(fleet, "web", Map.of("cores", IntNode.valueOf(6)), false, null, "abc123", null, null),
                null));
        SpecAccepted accepted = play.recorder.await("SpecAccepted for the patch", s -> s.event() != null
                && s.event().is(EventCatalog.SPEC_ACCEPTED) && fleet.equals(s.key())
                && s.event().dataAs(EventCatalog.SPEC_ACCEPTED).specVersion() > base, FleetPlay.WAIT)
                .event().dataAs(EventCatalog.SPEC_ACCEPTED);
        assertEquals("event", accepted.source());
        assertEquals("abc123", accepted.revision());
        given().when().get("/api/v1/specs/" + accepted.specVersion() + "/content").then().statusCode(200)
                .body("web.proxmox.cores", equalTo(6)).body("dev.proxmox.cores", equalTo(2));

        play.publish(Topics.FLEET_DESIRED, fleet, FleetEvent.create(EventCatalog.PATCH_HOST, "/operator", "nobody",
                new PatchHost(fleet, "nobody", Map.of("cores", IntNode.valueOf(6)), false, null, null, null, null),
                null));
        SpecRejected rejected = play.recorder.await("SpecRejected naming nobody", s -> s.event() != null
                && s.event().is(EventCatalog.SPEC_REJECTED) && fleet.equals(s.key())
                && s.event().data().toString().contains("hosts.nobody"), FleetPlay.WAIT)
                .event().dataAs(EventCatalog.SPEC_REJECTED);
        assertEquals("event", rejected.source());
    }
}
