package dev.fleetplane.planner;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.events.CloudEventsKafkaCodec;
import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.EventKind;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.Topics;
import dev.fleetplane.events.pve.CloneVm;
import dev.fleetplane.events.pve.InventoryObserved;
import dev.fleetplane.events.pve.ObservedVm;
import dev.fleetplane.events.pve.VmCloned;
import dev.fleetplane.localstack.quarkus.LocalStackTestResource;
import dev.fleetplane.localstack.quarkus.TestTokens;
import dev.fleetplane.localstack.quarkus.TopicRecorder;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Plans through REST against real Kafka and PostgreSQL, the test playing the proxmox-adapter: a fresh plan on
 * request, both faces of a plan, the staleness check of apply (a fresh inventory whose digest must not have
 * changed), and {@code target} / {@code exclude}.
 */
@QuarkusTest
@QuarkusTestResource(LocalStackTestResource.class)
class PlanApplyIT {

    static final Duration WAIT = Duration.ofSeconds(30);
    static final String ADAPTER = "/fleetplane/proxmox-adapter";
    static final ObservedVm TEMPLATE = new ObservedVm(9003, "tpl", "pve3", "stopped", true, 1, 1L << 30, 8L << 30,
            List.of());
    static final ObservedVm WORKER = new ObservedVm(402, "worker", "pve3", "running", false, 2, 2048L << 20, 16L << 30,
            List.of());

    static TopicRecorder recorder;
    static KafkaProducer<String, byte[]> producer;
    /** SyncInventory commands this test answered already (several carry the same correlation id). */
    static final Set<String> answered = ConcurrentHashMap.newKeySet();

    @BeforeAll
    static void connect() {
        TestTokens.actAsOperator();
        String bootstrap = LocalStackTestResource.current().kafkaBootstrapServers();
        recorder = new TopicRecorder(bootstrap, List.of(Topics.PVE_COMMANDS, Topics.FLEET_PLANS));
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void disconnect() throws Exception {
        producer.close(Duration.ofSeconds(5));
        recorder.close();
    }

    @Test
    void staleInventory_refusesTheApply_listingWhatChanged_andTheFreshPlanAppliesOnlyTheTargets() throws Exception {
        String fleet = "apply-" + UUID.randomUUID().toString().substring(0, 8);
        long version = given().contentType("application/json").queryParam("fleet", fleet).body("""
                {"_proxmox": {"host": "10.3.3.3", "node": "pve3", "defaultStorage": "local-lvm", "templateVmid": 9003},
                 "api": {"proxmox": {"vmid": 401, "cores": 2, "memory": 2048, "disk": "16G"}},
                 "worker": {"proxmox": {"vmid": 402, "cores": 2, "memory": 2048, "disk": "16G"}}}""")
                .when().post("/api/v1/specs").then().statusCode(202).extract().jsonPath().getLong("specVersion");
        String correlation = "spec-" + version;
        answerNextSync(correlation, List.of(TEMPLATE), "sha256:aaaa1111").get(40, TimeUnit.SECONDS);
        String first = awaitPlanOf(version);

        // Both faces are stored with the plan.
        given().when().get("/api/v1/plans/" + first).then().statusCode(200)
                .body("origin", equalTo("spec"))
                .body("text", containsString("+ create api {"))
                .body("text", containsString("Plan: 2 to add, 0 to change, 0 to destroy."))
                .body("json.format_version", equalTo("1.2"))
                .body("json.resource_changes.address", hasItem("proxmox_vm.worker"))
                .body("json.resource_changes[0].change.actions", equalTo(List.of("create")));

        // Someone starts the worker VM by hand; an online plan sees it and would adopt it.
        CompletableFuture<JsonPath> planning = CompletableFuture.supplyAsync(() -> given().contentType("application/json")
                .body("{\"fleet\": \"" + fleet + "\"}").when().post("/api/v1/plans").then().statusCode(200)
                .extract().jsonPath());
        answerNextSync(correlation, List.of(TEMPLATE, WORKER), "sha256:bbbb2222").get(40, TimeUnit.SECONDS);
        JsonPath fresh = planning.get(40, TimeUnit.SECONDS);
        String second = fresh.getString("id");
        assertNotEquals(first, second);
        assertEquals("request", fresh.getString("origin"));
        assertEquals("sha256:bbbb2222", fresh.getString("inventoryDigest"));
        assertTrue(fresh.getString("text").contains("<= adopt worker {"), fresh.getString("text"));
        assertTrue(fresh.getString("text").contains("Plan: 1 to import, 1 to add, 0 to change, 0 to destroy."),
                fresh.getString("text"));
        assertEquals(List.of("no-op"), fresh.getList("json.resource_changes.find { it.name == 'worker' }.change.actions"));
        assertEquals("402", fresh.getString("json.resource_changes.find { it.name == 'worker' }.change.importing.id"));

        // The first plan was computed before the worker existed: applying it is refused, naming the change.
        CompletableFuture<Void> sync = answerNextSync(first, List.of(TEMPLATE, WORKER), "sha256:bbbb2222");
        JsonPath stale = given().when().post("/api/v1/plans/" + first + "/apply").then().statusCode(409)
                .extract().jsonPath();
        sync.get(5, TimeUnit.SECONDS);
        assertTrue(stale.getString("error").startsWith("stale plan: Proxmox changed since plan " + first), stale.prettify());
        assertEquals(List.of("vmid 402 (host worker): appeared (\"worker\", running)"), stale.getList("details"));

        // Unknown host names are refused before anything is read or applied.
        given().contentType("application/json").body("{\"target\": [\"api\", \"nope\"]}")
                .when().post("/api/v1/plans/" + second + "/apply").then().statusCode(400)
                .body("error", containsString("has no host"))
                .body("details", equalTo(List.of("target: unknown host 'nope'")));

        // target api + worker, exclude worker: only api runs.
        sync = answerNextSync(second, List.of(TEMPLATE, WORKER), "sha256:bbbb2222");
        given().contentType("application/json").header("X-Fleetplane-Operator", "bob")
                .body("{\"target\": [\"api\", \"worker\"], \"exclude\": [\"worker\"]}")
                .when().post("/api/v1/plans/" + second + "/apply").then().statusCode(200)
                .body("status", equalTo("applied")).body("approvedBy", equalTo("it-operator (as sent: bob)"))
                .body("appliedHosts", equalTo(List.of("api")));
        sync.get(5, TimeUnit.SECONDS);
        FleetEvent applied = recorder.await("PlanApplied " + second, s -> is(s, EventCatalog.PLAN_APPLIED)
                && second.equals(s.event().correlationId()), WAIT).event();
        assertEquals(List.of("api"), applied.dataAs(EventCatalog.PLAN_APPLIED).hosts());
        // The stale plan's PlanApplied would be keyed by the fleet like this one and committed before it.
        assertTrue(recorder.all().stream().noneMatch(s -> is(s, EventCatalog.PLAN_APPLIED)
                && first.equals(s.event().correlationId())), "a stale plan is never applied");
        FleetEvent clone = recorder.await("CloneVm api", s -> is(s, EventCatalog.CLONE_VM) && "api".equals(s.key())
                && second.equals(s.event().correlationId()), WAIT).event();
        // The worker left alone: the apply announces every host it takes (HostStateChanged, keyed by the fleet: one
        // partition, through the outbox in commit order) in its own transaction. Moving api on (its clone answered)
        // announces Cloning -> Configuring in a later transaction; once that is seen, a worker's announcement from
        // the apply would have been seen before it.
        CloneVm cloned = clone.dataAs(EventCatalog.CLONE_VM);
        producer.send(CloudEventsKafkaCodec.toRecord(Topics.PVE_EVENTS, "api", FleetEvent.causedBy(clone,
                EventCatalog.VM_CLONED, ADAPTER, "api", new VmCloned(cloned.node(), cloned.vmid(), cloned.name(),
                        cloned.templateVmid(), "UPID:clone")))).get(10, TimeUnit.SECONDS);
        recorder.await("api Cloning -> Configuring", s -> is(s, EventCatalog.HOST_STATE_CHANGED) && fleet.equals(s.key())
                && second.equals(s.event().correlationId())
                && "api".equals(s.event().dataAs(EventCatalog.HOST_STATE_CHANGED).host())
                && "Configuring".equals(s.event().dataAs(EventCatalog.HOST_STATE_CHANGED).to()), WAIT);
        assertTrue(recorder.all().stream().noneMatch(s -> s.event() != null && "worker".equals(s.event().subject())
                && second.equals(s.event().correlationId())), "the excluded host is left alone");
    }

    @Test
    void freshPlan_ofAnUnknownFleet_is404_andBadBodiesAre400() {
        given().contentType("application/json").body("{\"fleet\": \"never-pushed-" + UUID.randomUUID() + "\"}")
                .when().post("/api/v1/plans").then().statusCode(404).body("error", containsString("has no spec version"));
        given().contentType("application/json").body("{\"fleet\": ")
                .when().post("/api/v1/plans").then().statusCode(400).body("error", containsString("malformed JSON body"));
        given().contentType("application/json").body("{\"target\": \"api\"}")
                .when().post("/api/v1/plans/plan-1-deadbeef/apply").then().statusCode(400)
                .body("error", containsString("target must be a list of host names"));
    }

    // ---- helpers ----

    static boolean is(TopicRecorder.Seen s, EventKind<?> kind) {
        return s.event() != null && s.event().is(kind);
    }

    /** Plays the adapter once: answers the next unanswered SyncInventory of {@code correlation}. */
    static CompletableFuture<Void> answerNextSync(String correlation, List<ObservedVm> vms, String digest) {
        return CompletableFuture.runAsync(() -> {
            try {
                FleetEvent sync = recorder.await("SyncInventory " + correlation, s -> is(s, EventCatalog.SYNC_INVENTORY)
                        && correlation.equals(s.event().correlationId()) && !answered.contains(s.event().id()), WAIT)
                        .event();
                answered.add(sync.id());
                FleetEvent observed = FleetEvent.causedBy(sync, EventCatalog.INVENTORY_OBSERVED, ADAPTER, "pve3",
                        new InventoryObserved("https://10.3.3.3:8006/api2/json", vms, digest));
                producer.send(CloudEventsKafkaCodec.toRecord(Topics.PVE_EVENTS, "pve3", observed)).get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
    }

    static String awaitPlanOf(long version) throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < end) {
            String planId = given().when().get("/api/v1/specs/" + version).then().statusCode(200)
                    .extract().jsonPath().getString("planId");
            if (planId != null) {
                return planId;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("spec version " + version + " got no plan within " + WAIT);
    }
}
