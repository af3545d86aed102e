package dev.fleetplane.planner;

import static dev.fleetplane.planner.PlanApplyIT.TEMPLATE;
import static dev.fleetplane.planner.PlanApplyIT.answerNextSync;
import static dev.fleetplane.planner.PlanApplyIT.awaitPlanOf;
import static dev.fleetplane.planner.PlanApplyIT.is;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.events.CloudEventsKafkaCodec;
import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.Topics;
import dev.fleetplane.events.pve.InventoryObserved;
import dev.fleetplane.events.pve.ObservedVm;
import dev.fleetplane.localstack.quarkus.LocalStackTestResource;
import dev.fleetplane.localstack.quarkus.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/v1/plans/speculative} against real Kafka and PostgreSQL, the test playing the proxmox-adapter:
 * the plan of removing hosts (the spec without them, their destroy allowed) is shown and never stored or applied.
 */
@QuarkusTest
@QuarkusTestResource(LocalStackTestResource.class)
class SpeculativePlanIT {

    static final Duration WAIT = Duration.ofSeconds(30);
    static final String PROXMOX = """
            "_proxmox": {"host": "10.5.5.5", "node": "pve3", "defaultStorage": "local-lvm", "templateVmid": 9003}""";
    static final ObservedVm DEV = new ObservedVm(510, "dev", "pve3", "running", false, 2, 2048L << 20, 16L << 30,
            List.of());
    static final ObservedVm WEB = new ObservedVm(511, "web", "pve3", "running", false, 2, 2048L << 20, 16L << 30,
            List.of("fleetplane"));

    /** The recorder of pve.commands / fleet.plans and the producer of PlanApplyIT's adapter play. */
    @BeforeAll
    static void connect() {
        TestTokens.actAsOperator();
        PlanApplyIT.connect();
    }

    @AfterAll
    static void disconnect() throws Exception {
        PlanApplyIT.disconnect();
    }

    @Test
    void removingHosts_destroysTheCreatedOne_forgetsTheAdoptedOne_andStoresNothing() throws Exception {
        String fleet = "spec-" + UUID.randomUUID().toString().substring(0, 8);
        long version = given().contentType("application/json").queryParam("fleet", fleet)
                .queryParam("autoApprove", "true").body("{" + PROXMOX + """
                        ,
                         "dev": {"proxmox": {"vmid": 510, "cores": 2, "memory": 2048, "disk": "16G",
                                             "cloneFromTemplate": false}},
                         "web": {"proxmox": {"vmid": 511, "cores": 2, "memory": 2048, "disk": "16G"}},
                         "db": {"proxmox": {"vmid": 512, "cores": 2, "memory": 2048, "disk": "16G"}}}""")
                .when().post("/api/v1/specs").then().statusCode(202).extract().jsonPath().getLong("specVersion");
        answerNextSync("spec-" + version, List.of(TEMPLATE, DEV), "sha256:spec0001").get(40, TimeUnit.SECONDS);
        String applied = awaitPlanOf(version);
        // Applied by auto-approve: web and db are being created (Cloning), dev is adopted.
        PlanApplyIT.recorder.await("CloneVm web", s -> is(s, EventCatalog.CLONE_VM) && "web".equals(s.key())
                && applied.equals(s.event().correlationId()), WAIT);
        Map<String, String> before = states(fleet);
        assertEquals("Adopted", before.get("dev"));

        String withoutWebAndDev = "{" + PROXMOX + """
                , "db": {"proxmox": {"vmid": 512, "cores": 2, "memory": 2048, "disk": "16G"}}}""";
        JsonPath plan = speculative("{\"fleet\": \"" + fleet + "\", \"spec\": " + withoutWebAndDev
                + ", \"allowDestroy\": [\"web\", \"dev\"]}", List.of(TEMPLATE, DEV, WEB));
        String text = plan.getString("text");
        assertTrue(text.contains("- destroy web {"), text);
        assertTrue(text.contains("forget dev"), text);
        assertTrue(text.contains("speculative: the spec in the request, destroy allowed for web, dev"), text);
        assertEquals(1, plan.getInt("toDestroy"));
        assertEquals(1, plan.getInt("toForget"));
        assertTrue(plan.getBoolean("speculative"));
        assertEquals(null, plan.getString("id"));
        assertEquals(List.of("delete"), plan.getList("json.resource_changes.find { it.name == 'web' }.change.actions"));

        // Without the permission the same removal only forgets web, as a push would.
        JsonPath forgetting = speculative("{\"fleet\": \"" + fleet + "\", \"spec\": " + withoutWebAndDev + "}",
                List.of(TEMPLATE, DEV, WEB));
        assertTrue(forgetting.getString("text").contains("_fleetplane.allowDestroy"), forgetting.getString("text"));
        assertEquals(0, forgetting.getInt("toDestroy"));
        assertEquals(2, forgetting.getInt("toForget"));

        // Without a spec: the fleet's latest version.
        JsonPath latest = speculative("{\"fleet\": \"" + fleet + "\"}", List.of(TEMPLATE, DEV, WEB));
        assertTrue(latest.getString("text").contains("speculative: spec version " + version), latest.getString("text"));
        assertEquals(version, latest.getLong("specVersion"));

        // Nothing was stored or applied, and no host was touched (none marked Drifted).
        List<String> plans = given().queryParam("specVersion", version).when().get("/api/v1/plans").then()
                .statusCode(200).extract().jsonPath().getList("id");
        assertEquals(List.of(applied), plans);
        assertEquals(before, states(fleet));
    }

    @Test
    void badRequests_are400WithEveryProblem_and404WithoutAnySpec() {
        given().contentType("application/json").body("{\"fleet\": \"x\", \"spec\": {" + PROXMOX
                        + ", \"web\": {\"proxmox\": {\"vmid\": 511, \"cores\": 0, \"memory\": 2048, \"disk\": \"16G\"}}}}")
                .when().post("/api/v1/plans/speculative").then().statusCode(400)
                .body("error", equalTo("the spec is not a valid hosts file (1 problem)"))
                .body("details", hasItem("hosts.web.proxmox.cores: must be between 1 and 512, got 0"));
        given().contentType("application/json").body("{\"spec\": \"hosts.nix\"}")
                .when().post("/api/v1/plans/speculative").then().statusCode(400)
                .body("error", containsString("spec must be the evaluated hosts file (a JSON object), got string"));
        given().contentType("application/json").body("{\"spec\": {}, \"allowDestroy\": \"web\"}")
                .when().post("/api/v1/plans/speculative").then().statusCode(400)
                .body("error", containsString("allowDestroy must be a list of host names"));
        given().contentType("application/json").body("{\"fleet\": \"never-pushed-" + UUID.randomUUID() + "\"}")
                .when().post("/api/v1/plans/speculative").then().statusCode(404)
                .body("error", containsString("has no spec version yet"));
    }

    /** Asks for a speculative plan while playing the adapter for its inventory request. */
    private static JsonPath speculative(String body, List<ObservedVm> vms) throws Exception {
        CompletableFuture<JsonPath> call = CompletableFuture.supplyAsync(() -> given().contentType("application/json")
                .body(body).when().post("/api/v1/plans/speculative").then().statusCode(200).extract().jsonPath());
        FleetEvent sync = PlanApplyIT.recorder.await("speculative SyncInventory", s -> is(s, EventCatalog.SYNC_INVENTORY)
                && s.event().correlationId().startsWith("speculative-") && PlanApplyIT.answered.add(s.event().id()), WAIT)
                .event();
        try {
            PlanApplyIT.producer.send(CloudEventsKafkaCodec.toRecord(Topics.PVE_EVENTS, "pve3", FleetEvent.causedBy(sync,
                    EventCatalog.INVENTORY_OBSERVED, PlanApplyIT.ADAPTER, "pve3",
                    new InventoryObserved("https://10.5.5.5:8006/api2/json", vms, "sha256:" + sync.id()))))
                    .get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new CompletionException(e);
        }
        return call.get(40, TimeUnit.SECONDS);
    }

    private static Map<String, String> states(String fleet) {
        List<Map<String, Object>> hosts = given().queryParam("fleet", fleet).when().get("/api/v1/hosts").then()
                .statusCode(200).extract().jsonPath().getList("$");
        Map<String, String> out = new java.util.TreeMap<>();
        hosts.forEach(h -> out.put((String) h.get("host"), (String) h.get("state")));
        return out;
    }
}
