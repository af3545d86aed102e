package dev.fleetplane.planner;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.EventKind;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.Topics;
import dev.fleetplane.events.pve.InventoryObserved;
import dev.fleetplane.events.pve.ObservedVm;
import dev.fleetplane.events.pve.PveOperationFailed;
import dev.fleetplane.events.pve.RebootVm;
import dev.fleetplane.events.pve.StartVm;
import dev.fleetplane.events.pve.StopVm;
import dev.fleetplane.events.pve.VmStarted;
import dev.fleetplane.localstack.quarkus.LocalStackTestResource;
import dev.fleetplane.localstack.quarkus.TestTokens;
import dev.fleetplane.localstack.quarkus.TopicRecorder;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Day-2 power actions through the planner's REST API against real Kafka and PostgreSQL, the test playing the
 * proxmox-adapter: refusals (readonly host even with force, a VM fleetplane does not own, a host mid-plan), 404s, the
 * accepted commands on {@code pve.commands}, and that their answers never move a host's lifecycle.
 */
@QuarkusTest
@QuarkusTestResource(LocalStackTestResource.class)
class PowerIT {

    // VMIDs of their own: the planner's ITs share one database, and a VMID names a host across every fleet in it.
    static final ObservedVm TEMPLATE = vm(9003, "tpl", "stopped", true);
    static final ObservedVm WEB = vm(7111, "web", "running", false);
    static final ObservedVm DB = vm(7112, "db", "running", false);
    static final ObservedVm API = vm(7113, "api", "stopped", false);
    static final ObservedVm HAND_MADE = vm(7150, "hand-made", "running", false);
    static final List<ObservedVm> EVERYTHING = List.of(TEMPLATE, WEB, DB, API, HAND_MADE);

    static FleetPlay play;
    static final Set<String> answered = ConcurrentHashMap.newKeySet();
    static String fleet;
    static String planId;

    @BeforeAll
    static void connect() {
        TestTokens.actAsOperator();
        play = new FleetPlay();
    }

    /** Once, before the first test (REST is up only then): a fleet applied with web adopted, db readonly, api cloning. */
    @org.junit.jupiter.api.BeforeEach
    synchronized void applyAFleetOnce() throws Exception {
        if (fleet != null) {
            return;
        }
        String name = "power-" + UUID.randomUUID().toString().substring(0, 8);
        long version = given().contentType("application/json").queryParam("fleet", name).queryParam("autoApprove", true)
                .body("""
                {"_proxmox": {"host": "10.3.3.3", "node": "pve3", "defaultStorage": "local-lvm", "templateVmid": 9003},
                 "web": {"proxmox": {"vmid": 7111, "cores": 2, "memory": 2048, "disk": "16G", "cloneFromTemplate": false}},
                 "db": {"proxmox": {"vmid": 7112, "cores": 2, "memory": 2048, "disk": "16G", "readonly": true}},
                 "api": {"proxmox": {"vmid": 7113, "cores": 2, "memory": 2048, "disk": "16G"}}}""")
                .when().post("/api/v1/specs").then().statusCode(202).extract().jsonPath().getLong("specVersion");
        answerSync("spec-" + version, List.of(TEMPLATE, WEB, DB)).get(40, TimeUnit.SECONDS);
        planId = PlanApplyIT.awaitPlanOf(version);
        fleet = name;
        LifecycleIT.awaitHost(name, "web", "Adopted");
        LifecycleIT.awaitHost(name, "db", "Adopted");
        LifecycleIT.awaitHost(name, "api", "Cloning");
    }

    @AfterAll
    static void disconnect() throws Exception {
        play.close();
    }

    static ObservedVm vm(int vmid, String name, String status, boolean template) {
        return new ObservedVm(vmid, name, "pve3", status, template, 2, 2048L << 20, 16L << 30, List.of());
    }

    /** Plays the adapter for the next SyncInventory whose correlation id starts with {@code prefix}. */
    static CompletableFuture<Void> answerSync(String prefix, List<ObservedVm> vms) {
        return CompletableFuture.runAsync(() -> {
            try {
                FleetEvent sync = play.recorder.await("SyncInventory " + prefix, s -> s.event() != null
                        && s.event().is(EventCatalog.SYNC_INVENTORY) && s.event().correlationId().startsWith(prefix)
                        && !answered.contains(s.event().id()), FleetPlay.WAIT).event();
                answered.add(sync.id());
                play.pve(sync.subject(), FleetEvent.causedBy(sync, EventCatalog.INVENTORY_OBSERVED, FleetPlay.ADAPTER,
                        sync.subject(), new InventoryObserved("https://10.3.3.3:8006/api2/json", vms, "sha256:" + vms.size())));
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
    }

    static JsonPath power(String path, String body, int status) throws Exception {
        CompletableFuture<Void> sync = answerSync("power-", EVERYTHING);
        JsonPath answer = given().contentType("application/json").header("X-Fleetplane-Operator", "alice").body(body)
                .when().post(path).then().statusCode(status).extract().jsonPath();
        sync.get(5, TimeUnit.SECONDS);
        return answer;
    }

    static FleetEvent command(EventKind<?> kind, String correlationId) throws InterruptedException {
        return play.recorder.await(kind.name() + " " + correlationId, s -> s.event() != null && s.event().is(kind)
                && correlationId.equals(s.event().correlationId()), FleetPlay.WAIT).event();
    }

    @Test
    void power_isRefusedForAReadonlyHost_evenWithForce() throws Exception {
        for (String body : List.of("{\"action\": \"reboot\"}", "{\"action\": \"reboot\", \"force\": true}")) {
            String error = power("/api/v1/hosts/db/power?fleet=" + fleet, body, 409).getString("error");
            assertTrue(error.startsWith("host db (VMID 7112) is readonly in the applied spec of fleet " + fleet), error);
            assertTrue(error.contains("--force does not override the spec"), error);
        }
        String byVmid = power("/api/v1/vms/7112/power", "{\"action\": \"stop\", \"force\": true}", 409).getString("error");
        assertTrue(byVmid.contains("host db (VMID 7112) is readonly"), "a VMID of a readonly host is that host: " + byVmid);
    }

    @Test
    void power_ofAVmFleetplaneDoesNotOwn_isRefusedNamingTheVmid_andGoesOutWithForce() throws Exception {
        String error = power("/api/v1/vms/7150/power", "{\"action\": \"stop\"}", 409).getString("error");
        assertEquals("VM 7150 (hand-made) is not a host of any applied spec: fleetplane does not own it; repeat with"
                + " --force to stop VM 7150 anyway", error);

        JsonPath accepted = power("/api/v1/vms/7150/power", "{\"action\": \"stop\", \"force\": true}", 202);
        assertEquals(7150, accepted.getInt("vmid"));
        assertEquals("pve3", accepted.getString("node"), "the node comes from the fresh inventory");
        assertEquals("stop", accepted.getString("action"));
        assertEquals(null, accepted.getString("host"));
        assertEquals("hand-made", accepted.getString("name"), "the VM's name in Proxmox");
        assertEquals("it-operator (as sent: alice)", accepted.getString("requestedBy"),
                "who asked is the token's name; the header sent is only a note");
        String story = accepted.getString("correlationId");
        assertTrue(story.startsWith("power-"), story);
        FleetEvent stop = command(EventCatalog.STOP_VM, story);
        assertEquals(accepted.getString("commandId"), stop.id());
        assertEquals("vm-7150", stop.subject());
        assertEquals("vm-7150", play.recorder.all().stream().filter(s -> s.event() != null && s.event().id().equals(stop.id()))
                .findFirst().orElseThrow().key());
        assertEquals(new StopVm("pve3", 7150, false, 0), stop.dataAs(EventCatalog.STOP_VM), "stop is the hard stop");
    }

    @Test
    void power_ofAHost_sendsTheCommandKeyedByTheHost_shutdownIsGraceful_rebootIsRebootVm() throws Exception {
        JsonPath reboot = power("/api/v1/hosts/web/power?fleet=" + fleet, "{\"action\": \"reboot\"}", 202);
        assertEquals("web", reboot.getString("host"));
        assertEquals(fleet, reboot.getString("fleet"));
        assertEquals(7111, reboot.getInt("vmid"));
        FleetEvent cmd = command(EventCatalog.REBOOT_VM, reboot.getString("correlationId"));
        assertEquals("web", cmd.subject());
        assertEquals(reboot.getString("commandId"), cmd.id());
        assertEquals(new RebootVm("pve3", 7111, 60), cmd.dataAs(EventCatalog.REBOOT_VM));

        JsonPath shutdown = power("/api/v1/vms/7111/power", "{\"action\": \"shutdown\"}", 202);
        assertEquals("web", shutdown.getString("host"), "a VMID of a host is that host, no force needed");
        assertEquals(new StopVm("pve3", 7111, true, 60),
                command(EventCatalog.STOP_VM, shutdown.getString("correlationId")).dataAs(EventCatalog.STOP_VM));

        FleetEvent sync = command(EventCatalog.SYNC_INVENTORY, shutdown.getString("correlationId"));
        assertTrue(sync.dataAs(EventCatalog.SYNC_INVENTORY).toString().contains("it-operator (as sent: alice)"),
                "the inventory look names who asked: " + sync.data());
    }

    @Test
    void power_ofAHostMidPlan_needsForce_andItsAnswersNeverMoveTheLifecycle() throws Exception {
        // Answer the create's steps (clone, configure, resize of the template's disk) until its StartVm is out.
        FleetEvent planStart = null;
        long end = System.nanoTime() + FleetPlay.WAIT.toNanos();
        while (planStart == null && System.nanoTime() < end) {
            FleetEvent next = play.nextUnanswered("api", planId);
            if (next == null) {
                Thread.sleep(50);
            } else if (next.is(EventCatalog.START_VM)) {
                planStart = next;
            } else {
                play.succeed(next);
            }
        }
        assertTrue(planStart != null, "the create of api reached its StartVm");
        LifecycleIT.awaitHost(fleet, "api", "Starting");

        String error = power("/api/v1/hosts/api/power?fleet=" + fleet, "{\"action\": \"start\"}", 409).getString("error");
        assertEquals("host api (VMID 7113) is in the middle of a plan (Starting); a start now would interfere with that"
                + " step; wait until it settles, or repeat with --force", error);

        JsonPath forced = power("/api/v1/hosts/api/power?fleet=" + fleet, "{\"action\": \"start\", \"force\": true}", 202);
        assertTrue(forced.getBoolean("forced"));
        FleetEvent dayTwo = command(EventCatalog.START_VM, forced.getString("correlationId"));
        assertEquals(new StartVm("pve3", 7113), dayTwo.dataAs(EventCatalog.START_VM));

        // The day-2 start's answer would complete the plan's Starting step if the reconciler matched it by host and
        // VMID alone; the plan's own StartVm then fails, which only fails a host still Starting. Both go on the same
        // partition (key api), so the day-2 answer is handled first.
        play.pve("api", FleetEvent.causedBy(dayTwo, EventCatalog.VM_STARTED, FleetPlay.ADAPTER, "api",
                new VmStarted("pve3", 7113, "UPID:day2-start")));
        play.fail(planStart, "start", 7113, "qmstart failed");
        Map<String, Object> failed = LifecycleIT.awaitHost(fleet, "api", "Failed");
        assertEquals("start", failed.get("step"));
        assertEquals(0, play.sent(EventCatalog.PROVISION_HOST, "api", planId), "the day-2 answer did not complete Starting");
    }

    @Test
    void power_ofAnUnknownHostOrVmid_is404_andABadRequestIs400() throws Exception {
        given().contentType("application/json").body("{\"action\": \"start\"}")
                .when().post("/api/v1/hosts/nope/power?fleet=" + fleet).then().statusCode(404)
                .body("error", containsString("fleet " + fleet + " has no host nope in its applied spec"));
        String gone = power("/api/v1/vms/4711/power", "{\"action\": \"start\", \"force\": true}", 404).getString("error");
        assertEquals("VM 4711 does not exist in Proxmox (fresh inventory)", gone);

        given().contentType("application/json").body("{\"action\": \"hibernate\"}")
                .when().post("/api/v1/hosts/web/power?fleet=" + fleet).then().statusCode(400)
                .body("error", equalTo("action must be one of start, stop, shutdown, reboot, got \"hibernate\""));
        given().contentType("application/json").body("{\"action\": \"start\", \"force\": \"yes\"}")
                .when().post("/api/v1/vms/7150/power").then().statusCode(400)
                .body("error", equalTo("force must be true or false, got \"yes\""));
        given().contentType("application/json").body("{\"action\": \"start\", \"now\": true}")
                .when().post("/api/v1/vms/7150/power").then().statusCode(400)
                .body("error", containsString("unknown field(s) now"));
        given().contentType("application/json").body("{\"action\": \"start\"}")
                .when().post("/api/v1/vms/web/power").then().statusCode(400)
                .body("error", containsString("vmid must be a VMID"));
        // Absence proven, not waited for: the outbox relay publishes rows in commit order and waits for each ack, so
        // once a later command is on Kafka, pve.commands read to its end offsets holds anything the 404 had written.
        JsonPath later = power("/api/v1/vms/7150/power", "{\"action\": \"start\", \"force\": true}", 202);
        command(EventCatalog.START_VM, later.getString("correlationId"));
        assertFalse(TopicRecorder.readToEnd(LocalStackTestResource.current().kafkaBootstrapServers(), Topics.PVE_COMMANDS)
                .stream().anyMatch(s -> s.event() != null && s.event().is(EventCatalog.START_VM) && "vm-4711".equals(s.key())),
                "nothing is sent for a VM that does not exist");
    }
}
