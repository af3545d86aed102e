package dev.fleetplane.adapter;

import static dev.fleetplane.adapter.KafkaProbe.causedBy;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.adapter.api.ClusterResource;
import dev.fleetplane.adapter.api.VmResource;
import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.EventKind;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.Topics;
import dev.fleetplane.events.pve.CloneVm;
import dev.fleetplane.events.pve.PveOperationFailed;
import dev.fleetplane.events.pve.RebootVm;
import dev.fleetplane.events.pve.StartVm;
import dev.fleetplane.events.pve.VmRebooted;
import dev.fleetplane.localstack.quarkus.AccessProbe;
import dev.fleetplane.localstack.quarkus.LocalStackTestResource;
import dev.fleetplane.localstack.quarkus.TestTokens;
import dev.fleetplane.proxmox.client.ProxmoxClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Day-2 operations of the adapter against real Kafka + PostgreSQL and the PVE simulator: the read-only REST API
 * ({@code /api/v1/vms}, {@code /api/v1/cluster/nextid}) and the {@code RebootVm} command.
 */
@QuarkusTest
@QuarkusTestResource(LocalStackTestResource.class)
@QuarkusTestResource(value = PveSimulatorTestResource.class, restrictToAnnotatedClass = true)
class DayTwoIT {

    @TestHTTPResource("/")
    java.net.URI base;

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String SOURCE = "/fleetplane/day-two-it";

    private static KafkaProbe events;

    @Inject
    ProxmoxClient pve;

    @BeforeAll
    static void connect() {
        TestTokens.actAsOperator();
        events = new KafkaProbe(LocalStackTestResource.current().kafkaBootstrapServers(), Topics.PVE_EVENTS);
    }

    @AfterAll
    static void disconnect() {
        if (events != null) {
            events.close();
        }
    }

    @AfterEach
    void clearFaults() {
        PveSimulatorTestResource.simulator().faults().clear();
    }

    private static <T> FleetEvent command(String host, EventKind<T> kind, T payload) {
        FleetEvent e = FleetEvent.create(kind, SOURCE, host, payload, "power-" + UUID.randomUUID());
        events.send(host, e);
        return e;
    }

    private static FleetEvent reply(FleetEvent command, EventKind<?> kind) {
        ConsumerRecord<String, byte[]> r = events.await(kind.type() + " caused by " + command.id(),
                causedBy(command, kind.type()), WAIT);
        return KafkaProbe.decode(r);
    }

    private static void runningVm(String host, int vmid) {
        reply(command(host, EventCatalog.CLONE_VM, new CloneVm("pve", PveSimulatorTestResource.TEMPLATE, vmid, host,
                null, true)), EventCatalog.VM_CLONED);
        reply(command(host, EventCatalog.START_VM, new StartVm("pve", vmid)), EventCatalog.VM_STARTED);
    }

    @Test
    void vmList_showsEveryGuestWithItsNodeStatusSizesAndFlags_byVmid() {
        runningVm("list-1", 142);
        JsonPath list = given().get("/api/v1/vms").then().statusCode(200).extract().jsonPath();
        List<Integer> vmids = list.getList("vmid");
        assertEquals(vmids.stream().sorted().toList(), vmids, "sorted by VMID");
        assertTrue(vmids.containsAll(List.of(142, PveSimulatorTestResource.FOREIGN_VM, PveSimulatorTestResource.TEMPLATE)),
                vmids.toString());

        Map<String, Object> template = list.getMap("find { it.vmid == 9003 }");
        assertEquals(true, template.get("template"));
        assertEquals("nixos-template", template.get("name"));
        Map<String, Object> running = list.getMap("find { it.vmid == 142 }");
        assertEquals("running", running.get("status"));
        assertEquals("pve", running.get("node"));
        assertEquals("qemu", running.get("type"));
        assertEquals(false, running.get("template"));
        assertTrue(((Number) running.get("maxmem")).longValue() > 0, running.toString());
        assertTrue(((Number) running.get("maxcpu")).intValue() > 0, running.toString());
        assertTrue(((Number) running.get("maxdisk")).longValue() > 0, running.toString());
        assertTrue(running.containsKey("uptime") && running.containsKey("lock") && running.containsKey("tags"),
                running.toString());
    }

    @Test
    void vmStatusAndConfig_readTheVmOnItsNode_configSortedByKey() {
        runningVm("status-1", 143);
        given().get("/api/v1/vms/143/status").then().statusCode(200)
                .body("vmid", equalTo(143)).body("node", equalTo("pve")).body("status", equalTo("running"))
                .body("qmpstatus", equalTo("running")).body("name", equalTo("status-1"));
        given().get("/api/v1/vms/150/status").then().statusCode(200)
                .body("status", equalTo("stopped")).body("name", equalTo("hand-made"));

        JsonPath config = given().get("/api/v1/vms/143/config").then().statusCode(200).extract().jsonPath();
        assertEquals("pve", config.getString("node"));
        Map<String, String> keys = config.getMap("config");
        assertEquals("status-1", keys.get("name"));
        assertEquals(pve.config("pve", 143).values(), keys, "every key Proxmox returns, as text");
        assertEquals(keys.keySet().stream().sorted().toList(), List.copyOf(keys.keySet()), "sorted by key");
    }

    @Test
    void aTokenLimitedToWebHosts_seesOnlyGuestsNamedLikeThem_andIsRefusedAnotherGuest() {
        runningVm("web-scope-1", 148);
        String web = TestTokens.bearer(TestTokens.VIEWER_WEB);
        List<String> names = given().header("Authorization", web).get("/api/v1/vms").then().statusCode(200)
                .extract().jsonPath().getList("name");
        assertTrue(names.contains("web-scope-1"), names.toString());
        assertTrue(names.stream().allMatch(n -> n.startsWith("web")), "only web* guests: " + names);
        given().header("Authorization", web).get("/api/v1/vms/148/status").then().statusCode(200);
        given().header("Authorization", web).get("/api/v1/vms/150/config").then().statusCode(403)
                .body("error", equalTo("token it-viewer-web may only see hosts web*, not 'hand-made' (VM 150)"));
    }

    @Test
    void vmReads_ofAnAbsentVmid_are404NamingIt_andAMalformedVmidIs400() {
        given().get("/api/v1/vms/4711/status").then().statusCode(404)
                .body("error", containsString("VM 4711 does not exist"));
        given().get("/api/v1/vms/4711/config").then().statusCode(404)
                .body("error", containsString("VM 4711 does not exist"));
        given().get("/api/v1/vms/web/config").then().statusCode(400)
                .body("error", equalTo("vmid must be a VMID (a number 100..999999999), got \"web\""));
        given().get("/api/v1/vms/42/status").then().statusCode(400)
                .body("error", equalTo("vmid must be between 100 and 999999999, got 42"));
    }

    /** The adapter's REST API only reads (it changes Proxmox only on commands): every endpoint wants a viewer. */
    @Test
    void theReadOnlyApi_hasNoMutatingEndpoint_andWantsAViewer() {
        assertEquals(java.util.Set.of(), AccessProbe.mutatingEndpoints(VmResource.class, ClusterResource.class));
        for (String path : List.of("/api/v1/vms", "/api/v1/vms/143/status", "/api/v1/vms/143/config",
                "/api/v1/cluster/nextid")) {
            AccessProbe.Door door = new AccessProbe.Door("GET " + path, path, null, TestTokens.VIEWER, 200);
            var none = AccessProbe.call(base, door, null);
            assertEquals(401, none.status(), path + ": " + none);
            assertTrue(none.body().contains("a token is needed: Authorization: Bearer <token> (this endpoint needs role "
                    + "viewer)"), none.body());
            var ci = AccessProbe.call(base, door, TestTokens.bearer(TestTokens.CI));
            assertEquals(403, ci.status(), path + ": " + ci);
            assertTrue(ci.body().contains("needs role viewer; token it-ci has ci"), ci.body());
            assertEquals(200, AccessProbe.call(base, door, TestTokens.bearer(TestTokens.VIEWER)).status(), path);
            assertEquals(200, AccessProbe.call(base, door, TestTokens.bearer(TestTokens.OPERATOR)).status(), path);
        }
    }

    @Test
    void nextid_answersProxmoxsNextFreeVmid_aFreeOneItself_andATakenOne409() {
        int next = given().get("/api/v1/cluster/nextid").then().statusCode(200).extract().jsonPath().getInt("vmid");
        assertEquals(pve.nextId(), next);
        given().get("/api/v1/cluster/nextid?vmid=120").then().statusCode(200).body("vmid", equalTo(120));
        given().get("/api/v1/cluster/nextid?vmid=150").then().statusCode(409)
                .body("error", equalTo("VM 150 already exists"));
        given().get("/api/v1/cluster/nextid?vmid=abc").then().statusCode(400)
                .body("error", containsString("vmid must be a VMID"));
    }

    @Test
    void proxmoxUnavailable_is503NamingProxmoxsError_neverTheSecret() {
        PveSimulatorTestResource.simulator().faults().errorRate("resources", 1.0);
        given().get("/api/v1/vms").then().statusCode(503)
                .body("error", containsString("Proxmox transient"))
                .body("error", containsString("/cluster/resources"))
                .body("error", not(containsString(PveSimulatorTestResource.SECRET)));
        PveSimulatorTestResource.simulator().faults().clear();
        PveSimulatorTestResource.simulator().faults().errorRate("nextid", 1.0);
        given().get("/api/v1/cluster/nextid?vmid=120").then().statusCode(503)
                .body("error", containsString("/cluster/nextid"));
    }

    @Test
    void reboot_ofARunningVm_answersVmRebooted_withTheQmrebootUpid_andTheVmRunsAgain() {
        runningVm("reboot-1", 144);
        FleetEvent cmd = command("reboot-1", EventCatalog.REBOOT_VM, new RebootVm("pve", 144, 30));
        FleetEvent answer = reply(cmd, EventCatalog.VM_REBOOTED);
        VmRebooted rebooted = answer.dataAs(EventCatalog.VM_REBOOTED);
        assertEquals(144, rebooted.vmid());
        assertEquals("pve", rebooted.node());
        assertTrue(rebooted.upid().contains(":qmreboot:144:"), rebooted.upid());
        assertEquals("reboot-1", answer.subject());
        assertEquals(cmd.correlationId(), answer.correlationId());
        assertTrue(pve.status("pve", 144).running());
    }

    @Test
    void reboot_ofAStoppedVm_failsVmNotRunning_andAFailedRebootTaskIsTaskFailedWithItsLog() {
        PveOperationFailed stopped = reply(command("reboot-2", EventCatalog.REBOOT_VM,
                new RebootVm("pve", PveSimulatorTestResource.FOREIGN_VM, 0)), EventCatalog.PVE_OPERATION_FAILED)
                .dataAs(EventCatalog.PVE_OPERATION_FAILED);
        assertEquals("reboot", stopped.operation());
        assertEquals("vm-not-running", stopped.failure());
        assertTrue(stopped.message().contains("not running"), stopped.message());
        assertFalse(pve.status("pve", PveSimulatorTestResource.FOREIGN_VM).running(), "a reboot never starts a VM");

        runningVm("reboot-3", 145);
        PveSimulatorTestResource.simulator().faults().failTaskOnRun("qmreboot", 1);
        PveOperationFailed failed = reply(command("reboot-3", EventCatalog.REBOOT_VM, new RebootVm("pve", 145, 0)),
                EventCatalog.PVE_OPERATION_FAILED).dataAs(EventCatalog.PVE_OPERATION_FAILED);
        assertEquals("reboot", failed.operation());
        assertEquals("task-failed", failed.failure());
        assertTrue(failed.upid().contains(":qmreboot:145:"), failed.upid());
        assertTrue(failed.exitStatus().contains("fault injected"), failed.exitStatus());
    }
}
