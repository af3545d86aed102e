package dev.fleetplane.planner;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.events.CloudEventsKafkaCodec;
import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.EventKind;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.Json;
import dev.fleetplane.events.Topics;
import dev.fleetplane.events.desired.SpecSubmitted;
import dev.fleetplane.events.plans.PlanComputed;
import dev.fleetplane.events.provisioning.IpResolved;
import dev.fleetplane.events.provisioning.ProvisionHost;
import dev.fleetplane.events.provisioning.ProvisioningSucceeded;
import dev.fleetplane.events.pve.CloneVm;
import dev.fleetplane.events.pve.ConfigureVm;
import dev.fleetplane.events.pve.GuestNetworkReported;
import dev.fleetplane.events.pve.InventoryObserved;
import dev.fleetplane.events.pve.ObservedVm;
import dev.fleetplane.events.pve.PveOperationFailed;
import dev.fleetplane.events.pve.ResizeDisk;
import dev.fleetplane.events.pve.StartVm;
import dev.fleetplane.events.pve.VmCloned;
import dev.fleetplane.events.pve.VmConfigured;
import dev.fleetplane.events.pve.VmResized;
import dev.fleetplane.events.pve.VmStarted;
import dev.fleetplane.localstack.quarkus.LocalStackTestResource;
import dev.fleetplane.localstack.quarkus.TestTokens;
import dev.fleetplane.localstack.quarkus.TopicRecorder;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The planner against real Kafka and PostgreSQL: the test plays the proxmox-adapter and the provisioner
 * on their topics and watches what the planner publishes and answers over REST.
 */
@QuarkusTest
@QuarkusTestResource(LocalStackTestResource.class)
class PlannerIT {

    static final Duration WAIT = Duration.ofSeconds(30);
    static final String ADAPTER = "/fleetplane/proxmox-adapter";
    static final String PROVISIONER = "/fleetplane/provisioner";

    static TopicRecorder recorder;
    static KafkaProducer<String, byte[]> producer;

    @BeforeAll
    static void connect() {
        TestTokens.actAsOperator();
        String bootstrap = LocalStackTestResource.current().kafkaBootstrapServers();
        recorder = new TopicRecorder(bootstrap, List.of(Topics.PVE_COMMANDS, Topics.FLEET_PLANS,
                Topics.PROVISIONING_COMMANDS, Topics.FLEET_DESIRED, Topics.dlq(Topics.FLEET_DESIRED)));
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
    void nixSpec_isPlanned_autoApplied_andDrivenToReady() throws Exception {
        String fleet = "flow-" + shortId();
        String nix = Files.readString(Path.of("../examples/hosts.nix"));
        String location = given().contentType("text/x-nix").body(nix)
                .queryParam("fleet", fleet).queryParam("source", "ci").queryParam("revision", "abc123")
                .queryParam("autoApprove", "true")
                .when().post("/api/v1/specs")
                .then().statusCode(202).header("Location", containsString("/api/v1/specs/"))
                .extract().header("Location");
        long version = Long.parseLong(location.substring(location.lastIndexOf('/') + 1));
        String correlation = "spec-" + version;

        FleetEvent sync = recorder.await("SyncInventory for " + correlation,
                s -> is(s, EventCatalog.SYNC_INVENTORY) && correlation.equals(s.event().correlationId()), WAIT).event();
        assertEquals("pve", sync.subject());

        // As the adapter would answer: the template (a nixos-generators image: its disk is virtio0, booted first)
        // and the imported dev VM exist, web and db do not.
        List<ObservedVm> vms = List.of(
                new ObservedVm(9003, "nixos-template", "pve", "stopped", true, 2, 2L << 30, 8L << 30, List.of(), null,
                        Map.of("boot", "order=virtio0;net0", "virtio0", "local-lvm:base-9003-disk-0,iothread=1,size=8G")),
                new ObservedVm(110, "dev", "pve", "running", false, 4, 8L << 30, 64L << 30, List.of()));
        publish(Topics.PVE_EVENTS, "pve", FleetEvent.causedBy(sync, EventCatalog.INVENTORY_OBSERVED, ADAPTER, "pve",
                new InventoryObserved("https://192.168.1.12:8006/api2/json", vms, "sha256:feedbeef0001")));

        PlanComputed plan = recorder.await("PlanComputed for " + correlation,
                s -> is(s, EventCatalog.PLAN_COMPUTED) && correlation.equals(s.event().correlationId()), WAIT)
                .event().dataAs(EventCatalog.PLAN_COMPUTED);
        assertEquals(2, plan.toAdd());
        assertEquals(1, plan.toAdopt());
        assertTrue(plan.text().contains("Plan: 1 to import, 2 to add, 0 to change, 0 to destroy."), plan.text());
        assertTrue(plan.text().contains("laptop"), plan.text());
        assertTrue(plan.text().contains("+ diskInterface = \"virtio0\" (from template 9003)"), plan.text());

        CloneVm clone = recorder.await("CloneVm web", s -> is(s, EventCatalog.CLONE_VM) && "web".equals(s.key())
                && plan.planId().equals(s.event().correlationId()), WAIT).event().dataAs(EventCatalog.CLONE_VM);
        assertEquals(new CloneVm("pve", 9003, 111, "web", "local-lvm", true), clone);
        recorder.await("CloneVm db", s -> is(s, EventCatalog.CLONE_VM) && "db".equals(s.key())
                && plan.planId().equals(s.event().correlationId()), WAIT);
        FleetEvent query = recorder.await("QueryGuestNetwork dev (adopted, running)",
                s -> is(s, EventCatalog.QUERY_GUEST_NETWORK) && "dev".equals(s.key())
                        && plan.planId().equals(s.event().correlationId()), WAIT).event();

        // web: the adapter reports each step; the planner sends the next command.
        FleetEvent cloneCmd = findCommand(EventCatalog.CLONE_VM, "web", plan.planId());
        publish(Topics.PVE_EVENTS, "web", FleetEvent.causedBy(cloneCmd, EventCatalog.VM_CLONED, ADAPTER, "web",
                new VmCloned("pve", 111, "web", 9003, "UPID:pve:1")));
        FleetEvent configure = recorder.await("ConfigureVm web", s -> is(s, EventCatalog.CONFIGURE_VM)
                && "web".equals(s.key()) && plan.planId().equals(s.event().correlationId()), WAIT).event();
        ConfigureVm cfg = configure.dataAs(EventCatalog.CONFIGURE_VM);
        assertEquals(2, cfg.cores());
        assertEquals(4096, cfg.memoryMb());
        assertEquals("web", cfg.extra().get("name"));
        assertEquals("1", cfg.extra().get("agent"));
        assertEquals("x86-64-v2-AES", cfg.extra().get("cpu"), "the seed's CPU type");
        assertEquals("0", cfg.extra().get("onboot"), "the seed's on_boot = false");
        assertEquals("ip=dhcp", cfg.extra().get("ipconfig0"));
        assertEquals("ops", cfg.extra().get("ciuser"));

        publish(Topics.PVE_EVENTS, "web", FleetEvent.causedBy(configure, EventCatalog.VM_CONFIGURED, ADAPTER, "web",
                new VmConfigured("pve", 111, List.of("cores", "memory", "name", "agent"))));
        // A clone has the template's disk: the create path grows it to the spec's size before the first boot.
        FleetEvent resize = recorder.await("ResizeDisk web", s -> is(s, EventCatalog.RESIZE_DISK)
                && "web".equals(s.key()) && plan.planId().equals(s.event().correlationId()), WAIT).event();
        assertEquals(new ResizeDisk("pve", 111, "virtio0", "32G"), resize.dataAs(EventCatalog.RESIZE_DISK),
                "the template's boot disk, read from its config: nothing in the spec names it");
        publish(Topics.PVE_EVENTS, "web", FleetEvent.causedBy(resize, EventCatalog.VM_RESIZED, ADAPTER, "web",
                new VmResized("pve", 111, "virtio0", "32G", "UPID:pve:3")));
        FleetEvent start = recorder.await("StartVm web", s -> is(s, EventCatalog.START_VM) && "web".equals(s.key())
                && plan.planId().equals(s.event().correlationId()), WAIT).event();
        assertEquals(new StartVm("pve", 111), start.dataAs(EventCatalog.START_VM));

        publish(Topics.PVE_EVENTS, "web", FleetEvent.causedBy(start, EventCatalog.VM_STARTED, ADAPTER, "web",
                new VmStarted("pve", 111, "UPID:pve:2")));
        FleetEvent provision = recorder.await("ProvisionHost web", s -> is(s, EventCatalog.PROVISION_HOST)
                && "web".equals(s.key()) && plan.planId().equals(s.event().correlationId()), WAIT).event();
        assertEquals(new ProvisionHost("web", "pve", 111, "ops", "nixos-rebuild switch --flake /etc/nixos#web", true),
                provision.dataAs(EventCatalog.PROVISION_HOST));

        publish(Topics.PROVISIONING_EVENTS, "web", FleetEvent.causedBy(provision, EventCatalog.IP_RESOLVED,
                PROVISIONER, "web", new IpResolved("web", 111, "10.0.0.11", 2)));
        publish(Topics.PROVISIONING_EVENTS, "web", FleetEvent.causedBy(provision, EventCatalog.PROVISIONING_SUCCEEDED,
                PROVISIONER, "web", new ProvisioningSucceeded("web", 111, "10.0.0.11")));
        // dev: the read-only guest query answers; db: the clone fails.
        publish(Topics.PVE_EVENTS, "dev", FleetEvent.causedBy(query, EventCatalog.GUEST_NETWORK_REPORTED, ADAPTER,
                "dev", new GuestNetworkReported("pve", 110, "10.0.0.10", List.of(), null)));
        FleetEvent dbClone = findCommand(EventCatalog.CLONE_VM, "db", plan.planId());
        publish(Topics.PVE_EVENTS, "db", FleetEvent.causedBy(dbClone, EventCatalog.PVE_OPERATION_FAILED, ADAPTER, "db",
                new PveOperationFailed("clone", "pve", 112, "locked", "can't lock file '/var/lock/qemu-server/lock-112.conf'",
                        500, null, null, List.of(), true)));

        Map<String, Object> web = awaitHost(fleet, "web", "Ready");
        assertEquals("10.0.0.11", web.get("ip"));
        assertEquals(111, web.get("vmid"));
        assertEquals(plan.planId(), web.get("planId"));
        assertNotNull(web.get("readyAt"));
        assertNotNull(web.get("secondsTaken"));
        Map<String, Object> dev = awaitHost(fleet, "dev", "Adopted");
        awaitIp(fleet, "dev", "10.0.0.10");
        Map<String, Object> db = awaitHost(fleet, "db", "Failed");
        assertEquals("clone", db.get("step"));
        assertTrue(String.valueOf(db.get("reason")).contains("locked"), String.valueOf(db.get("reason")));
        assertNull(dev.get("readyAt"));

        recorder.await("HostStateChanged web -> Ready", s -> is(s, EventCatalog.HOST_STATE_CHANGED)
                && "web".equals(s.event().subject()) && s.event().data().path("to").asText().equals("Ready")
                && fleet.equals(s.event().data().path("fleet").asText()), WAIT);
        // A CloneVm of dev would go out in the transaction that announced dev entering Cloning; web's Ready is announced
        // later, keyed by the fleet like it (one partition, through the outbox in commit order), so it would be seen.
        assertTrue(recorder.all().stream().noneMatch(s -> is(s, EventCatalog.HOST_STATE_CHANGED)
                        && "dev".equals(s.event().subject()) && s.event().data().path("to").asText().equals("Cloning")),
                "an imported VM is never cloned");
        assertTrue(recorder.all().stream().noneMatch(s -> is(s, EventCatalog.CLONE_VM) && "dev".equals(s.key())),
                "an imported VM is never cloned");

        given().when().get("/api/v1/plans/" + plan.planId()).then().statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("applied"))
                .body("approvedBy", org.hamcrest.Matchers.equalTo("auto-approve"))
                .body("text", containsString("<= adopt dev"));
        given().when().get("/api/v1/specs/" + version).then().statusCode(200)
                .body("planId", org.hamcrest.Matchers.equalTo(plan.planId()))
                .body("revision", org.hamcrest.Matchers.equalTo("abc123"));
        given().when().post("/api/v1/plans/" + plan.planId() + "/apply").then().statusCode(409)
                .body("error", containsString("already applied"));

        // The event log holds the whole story of web under the plan's correlation id, oldest first.
        List<String> types = awaitEvents("host=web&correlationId=" + plan.planId(), 14);
        assertTrue(types.indexOf(EventCatalog.CLONE_VM.type()) < types.indexOf(EventCatalog.VM_CLONED.type())
                && types.indexOf(EventCatalog.VM_CLONED.type()) < types.indexOf(EventCatalog.START_VM.type())
                && types.indexOf(EventCatalog.START_VM.type()) < types.indexOf(EventCatalog.PROVISIONING_SUCCEEDED.type()),
                types.toString());
        assertEquals(EventCatalog.HOST_STATE_CHANGED.type(), types.get(types.size() - 1), types.toString());
    }

    @Test
    void manualApply_sendsCommands_onlyOnce_andStalePlansAreRefused() throws Exception {
        String fleet = "manual-" + shortId();
        String spec = """
                {"_proxmox": {"host": "10.1.1.1", "node": "pve2", "defaultStorage": "local-lvm", "templateVmid": 9003},
                 "api": {"proxmox": {"vmid": 301, "cores": 1, "memory": 2048, "disk": "16G", "storage": "fast"}}}""";
        long version = submitJson(spec, fleet);
        FleetEvent sync = recorder.await("SyncInventory", s -> is(s, EventCatalog.SYNC_INVENTORY)
                && ("spec-" + version).equals(s.event().correlationId()), WAIT).event();
        assertEquals("pve2", sync.subject());
        List<ObservedVm> seen = List.of(new ObservedVm(9003, "tpl", "pve2", "stopped", true, 1, 1L << 30, 8L << 30,
                List.of()));
        publish(Topics.PVE_EVENTS, "pve2", FleetEvent.causedBy(sync, EventCatalog.INVENTORY_OBSERVED, ADAPTER, "pve2",
                new InventoryObserved("https://10.1.1.1:8006/api2/json", seen, "sha256:0a0b0c0d")));
        String planId = awaitPlanOf(version);
        assertTrue(planId.matches("plan-" + version + "-[0-9a-f]{8}"), planId);
        given().when().get("/api/v1/plans?specVersion=" + version).then().statusCode(200)
                .body("id", hasItem(planId)).body("[0].status", org.hamcrest.Matchers.equalTo("pending-approval"));

        // Apply reads a fresh inventory first (the adapter's part, played here): unchanged, so the plan applies.
        java.util.concurrent.CompletableFuture<Void> unchanged = answerNextSync(planId, "pve2", seen, "sha256:0a0b0c0d");
        given().header("X-Fleetplane-Operator", "alice").when().post("/api/v1/plans/" + planId + "/apply")
                .then().statusCode(200).body("status", org.hamcrest.Matchers.equalTo("applied"))
                .body("approvedBy", org.hamcrest.Matchers.equalTo("it-operator (as sent: alice)"));
        unchanged.get(5, TimeUnit.SECONDS);
        FleetEvent applied = recorder.await("PlanApplied " + planId, s -> is(s, EventCatalog.PLAN_APPLIED)
                && planId.equals(s.event().correlationId()), WAIT).event();
        FleetEvent cloneEvent = recorder.await("CloneVm api", s -> is(s, EventCatalog.CLONE_VM) && "api".equals(s.key())
                && planId.equals(s.event().correlationId()), WAIT).event();
        // Nothing ran before approval. Every command for api is keyed "api" (one partition) and leaves through the
        // outbox in commit order, so a CloneVm sent before the approval would be on the partition ahead of this one
        // and be the first one seen: the first CloneVm is the approval's (caused by PlanApplied), and the only one.
        assertEquals(applied.id(), cloneEvent.causationId(), "the first CloneVm of the plan is caused by its approval");
        assertEquals(1, recorder.all().stream().filter(s -> is(s, EventCatalog.CLONE_VM) && "api".equals(s.key())
                && planId.equals(s.event().correlationId())).count(), "nothing runs before approval");
        CloneVm clone = cloneEvent.dataAs(EventCatalog.CLONE_VM);
        assertEquals(new CloneVm("pve2", 9003, 301, "api", "fast", true), clone);
        given().when().post("/api/v1/plans/" + planId + "/apply").then().statusCode(409);
        given().when().post("/api/v1/plans/plan-does-not-exist/apply").then().statusCode(404)
                .body("error", containsString("no plan plan-does-not-exist"));

        // A newer spec version makes an older, unapplied plan stale.
        String fleet2 = "stale-" + shortId();
        long older = submitJson(spec.replace("301", "302"), fleet2);
        answerInventory(older, "pve2");
        String olderPlan = awaitPlanOf(older);
        submitJson(spec.replace("301", "303"), fleet2);
        given().when().post("/api/v1/plans/" + olderPlan + "/apply").then().statusCode(409)
                .body("error", containsString("newer spec version"));
    }

    @Test
    void badSpecs_areRejected_withWhatAndWhere() throws Exception {
        String fleet = "bad-" + shortId();
        JsonPath invalid = given().contentType("application/json").queryParam("fleet", fleet).body("""
                {"_proxmox": {"host": "h", "node": "pve", "defaultStorage": "local-lvm", "templateVmid": 9003},
                 "web": {"proxmox": {"vmid": 111, "cores": 0, "memory": 4096, "disk": "32G"}},
                 "db": {"proxmox": {"vmid": 111, "cores": 2, "memory": 4096, "disk": "lots"}}}""")
                .when().post("/api/v1/specs").then().statusCode(400).extract().jsonPath();
        List<String> details = invalid.getList("details");
        assertTrue(details.contains("hosts.web.proxmox.cores: must be between 1 and 512, got 0"), details.toString());
        assertTrue(details.contains("hosts.db.proxmox.disk: must be a size like \"32G\", \"512M\" or \"1T\", got 'lots'"),
                details.toString());
        assertTrue(details.contains("hosts.db.proxmox.vmid: VMID 111 is also used by host web"), details.toString());
        assertTrue(details.contains("hosts.web.proxmox.vmid: VMID 111 is also used by host db"), details.toString());

        given().contentType("application/json").queryParam("fleet", fleet).body("{\n  \"web\": {\n    \"user\": \"root\",\n  }\n}")
                .when().post("/api/v1/specs").then().statusCode(400)
                .body("error", startsWith("malformed JSON at line 4, column 3"));
        given().contentType("text/x-nix").queryParam("fleet", fleet).body("{\n  web = {\n    user = ;\n  };\n}\n")
                .when().post("/api/v1/specs").then().statusCode(400)
                .body("error", org.hamcrest.Matchers.equalTo("hosts.nix does not evaluate"))
                .body("details[0]", containsString("hosts.nix:3:12"));
        given().contentType("application/json").queryParam("fleet", fleet)
                .body("{\"x\": \"" + "a".repeat(1024 * 1024) + "\"}")
                .when().post("/api/v1/specs").then().statusCode(413).body("error", containsString("larger than"));
        given().contentType("application/json").queryParam("source", "robot").body("{}")
                .when().post("/api/v1/specs").then().statusCode(400).body("error", containsString("source must be"));

        TopicRecorder.Seen rejected = recorder.await("SpecRejected for " + fleet, s -> is(s, EventCatalog.SPEC_REJECTED)
                && fleet.equals(s.event().subject())
                && s.event().data().toString().contains("hosts.web.proxmox.cores"), WAIT);
        assertEquals(fleet, rejected.key());
        // A good spec last: its SpecAccepted is keyed by the fleet like any the bad ones could have caused, and the
        // outbox publishes in commit order, so once it is seen an earlier one would have been seen too.
        long good = given().contentType("application/json").queryParam("fleet", fleet)
                .body("{\"laptop\": {\"user\": \"root\"}}")
                .when().post("/api/v1/specs").then().statusCode(202).extract().jsonPath().getLong("specVersion");
        recorder.await("SpecAccepted of the good spec of " + fleet, s -> is(s, EventCatalog.SPEC_ACCEPTED)
                && fleet.equals(s.event().subject())
                && s.event().dataAs(EventCatalog.SPEC_ACCEPTED).specVersion() == good, WAIT);
        assertEquals(List.of(good), recorder.all().stream().filter(s -> is(s, EventCatalog.SPEC_ACCEPTED)
                        && fleet.equals(s.event().subject()))
                .map(s -> s.event().dataAs(EventCatalog.SPEC_ACCEPTED).specVersion()).toList(),
                "a rejected spec changes nothing");
    }

    @Test
    void brokenRecord_andUnknownType_onFleetDesired_goToTheDlq_andTheConsumerGoesOn() throws Exception {
        String fleet = "dlq-" + shortId();
        producer.send(new ProducerRecord<>(Topics.FLEET_DESIRED, fleet, "this is not a cloud event"
                .getBytes(StandardCharsets.UTF_8))).get(10, TimeUnit.SECONDS);
        FleetEvent unknown = new FleetEvent(UUID.randomUUID().toString(), "fleetplane.thing.happened.v1", "/test",
                fleet, java.time.OffsetDateTime.now(), null, null, Json.MAPPER.createObjectNode().put("schemaVersion", 1));
        producer.send(CloudEventsKafkaCodec.toRecord(Topics.FLEET_DESIRED, fleet, unknown)).get(10, TimeUnit.SECONDS);
        // After both, a good SpecSubmitted (Nix source) on the same partition must still be handled.
        FleetEvent submitted = FleetEvent.create(EventCatalog.SPEC_SUBMITTED, "/fleetplane/ci", fleet,
                new SpecSubmitted(fleet, null, "{ laptop = { user = \"root\"; cfg = ./hosts/laptop.nix; }; }", "ci",
                        "r1", false), null);
        publish(Topics.FLEET_DESIRED, fleet, submitted);

        recorder.await("broken record in DLQ", s -> s.topic().equals(Topics.dlq(Topics.FLEET_DESIRED))
                && fleet.equals(s.key()) && s.dlqReason() != null && s.dlqReason().startsWith("not a CloudEvent"), WAIT);
        recorder.await("unknown type in DLQ", s -> s.topic().equals(Topics.dlq(Topics.FLEET_DESIRED))
                && fleet.equals(s.key()) && s.dlqReason() != null
                && s.dlqReason().contains("unknown event type 'fleetplane.thing.happened.v1'"), WAIT);
        FleetEvent accepted = recorder.await("SpecAccepted after the junk", s -> is(s, EventCatalog.SPEC_ACCEPTED)
                && fleet.equals(s.event().subject()), WAIT).event();
        assertEquals(submitted.id(), accepted.causationId());
        long version = accepted.dataAs(EventCatalog.SPEC_ACCEPTED).specVersion();
        // No Proxmox hosts: planned at once, without asking for the inventory.
        String planId = awaitPlanOf(version);
        given().when().get("/api/v1/plans/" + planId).then().statusCode(200)
                .body("text", containsString("No changes. Your infrastructure matches the configuration."));
        given().when().get("/api/v1/specs/" + version + "/content").then().statusCode(200)
                .body("laptop.cfg", org.hamcrest.Matchers.equalTo("./hosts/laptop.nix"));

        // Redelivered: the same event id changes nothing. A marker after it on the same key (one partition, read in
        // order; the planner's answers leave through its outbox in commit order, on fleet.desired keyed by fleet):
        // when the marker's answer is seen, a second SpecAccepted for the redelivered copy would have been seen too.
        publish(Topics.FLEET_DESIRED, fleet, submitted);
        FleetEvent marker = FleetEvent.create(EventCatalog.SPEC_SUBMITTED, "/fleetplane/ci", fleet,
                new SpecSubmitted(fleet, Json.MAPPER.readTree("""
                        {"_proxmox": {"host": "h", "node": "pve", "defaultStorage": "local-lvm", "templateVmid": 9003},
                         "web": {"proxmox": {"vmid": 111, "cores": 0, "memory": 4096, "disk": "32G"}}}"""),
                        null, "ci", "marker", false), null);
        publish(Topics.FLEET_DESIRED, fleet, marker);
        recorder.await("SpecRejected of the marker", s -> is(s, EventCatalog.SPEC_REJECTED)
                && marker.id().equals(s.event().causationId()), WAIT);
        assertEquals(1, recorder.all().stream().filter(s -> is(s, EventCatalog.SPEC_ACCEPTED)
                && fleet.equals(s.event().subject())).count());
    }

    @Test
    void eventLog_storesEachEventOnce_evenWhenPublishedTwice() throws Exception {
        String host = "ghost-" + shortId();
        FleetEvent e = FleetEvent.create(EventCatalog.VM_STARTED, ADAPTER, host, new VmStarted("pve", 999, "UPID:x"),
                "corr-" + host);
        publish(Topics.PVE_EVENTS, host, e);
        publish(Topics.PVE_EVENTS, host, e);
        // Same key, same partition: once the marker is logged, both copies of e were read.
        FleetEvent marker = FleetEvent.create(EventCatalog.VM_CONFIGURED, ADAPTER, host,
                new VmConfigured("pve", 999, List.of()), "corr-" + host);
        publish(Topics.PVE_EVENTS, host, marker);
        List<String> types = awaitEvents("host=" + host, 2);
        assertEquals(List.of(EventCatalog.VM_STARTED.type(), EventCatalog.VM_CONFIGURED.type()), types);
        given().when().get("/api/v1/events?host=" + host + "&type=fleetplane.vm.started").then().statusCode(200)
                .body("size()", org.hamcrest.Matchers.equalTo(1))
                .body("[0].id", org.hamcrest.Matchers.equalTo(e.id()))
                .body("[0].topic", org.hamcrest.Matchers.equalTo(Topics.PVE_EVENTS))
                .body("[0].data.upid", org.hamcrest.Matchers.equalTo("UPID:x"));
        given().when().get("/api/v1/events?since=yesterday").then().statusCode(400)
                .body("error", containsString("since must be"));
        given().when().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void observability_metricsCountTheEventsHandled_openApiListsTheRestPaths_readinessIncludesKafkaAndPostgres()
            throws Exception {
        String host = "metered-" + shortId();
        publish(Topics.PVE_EVENTS, host, FleetEvent.create(EventCatalog.VM_STARTED, ADAPTER, host,
                new VmStarted("pve", 998, "UPID:y"), "corr-" + host));
        awaitEvents("host=" + host, 1);

        // The counter moves just after the commit that made the event visible: poll the scrape a moment.
        String scrape = "";
        for (long end = System.nanoTime() + WAIT.toNanos(); System.nanoTime() < end; Thread.sleep(50)) {
            scrape = given().get("/q/metrics").then().statusCode(200).extract().asString();
            if (series(scrape, "fleetplane_events_handled_total", "consumer=\"planner-eventlog\"",
                    "type=\"" + EventCatalog.VM_STARTED.type() + "\"")) {
                break;
            }
        }
        assertTrue(series(scrape, "fleetplane_events_handled_total", "consumer=\"planner-eventlog\"",
                "type=\"" + EventCatalog.VM_STARTED.type() + "\""), scrape);
        assertTrue(series(scrape, "fleetplane_outbox_backlog"), scrape);
        given().get("/q/openapi?format=json").then().statusCode(200)
                .body("info.title", org.hamcrest.Matchers.equalTo("fleetplane planner API"))
                .body("paths.keySet()", org.hamcrest.Matchers.hasItems("/api/v1/specs", "/api/v1/plans",
                        "/api/v1/hosts", "/api/v1/events"));
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'Kafka' }.status",
                        org.hamcrest.Matchers.equalTo("UP"))
                .body("checks.find { it.name == 'PostgreSQL' }.status",
                        org.hamcrest.Matchers.equalTo("UP"));
    }

    /** Whether the Prometheus text has a sample of {@code name} carrying every label given as {@code key="value"}. */
    static boolean series(String scrape, String name, String... labels) {
        return scrape.lines().filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .anyMatch(l -> java.util.Arrays.stream(labels).allMatch(l::contains));
    }

    // ---- helpers ----

    static boolean is(TopicRecorder.Seen s, EventKind<?> kind) {
        return s.event() != null && s.event().is(kind);
    }

    static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    static void publish(String topic, String key, FleetEvent event) throws Exception {
        producer.send(CloudEventsKafkaCodec.toRecord(topic, key, event)).get(10, TimeUnit.SECONDS);
    }

    static FleetEvent findCommand(EventKind<?> kind, String host, String correlation) throws InterruptedException {
        return recorder.await(kind.name() + " " + host, s -> is(s, kind) && host.equals(s.key())
                && correlation.equals(s.event().correlationId()), WAIT).event();
    }

    static long submitJson(String spec, String fleet) {
        return given().contentType("application/json").queryParam("fleet", fleet).body(spec)
                .when().post("/api/v1/specs").then().statusCode(202)
                .extract().jsonPath().getLong("specVersion");
    }

    static void answerInventory(long version, String node) throws Exception {
        FleetEvent sync = recorder.await("SyncInventory", s -> is(s, EventCatalog.SYNC_INVENTORY)
                && ("spec-" + version).equals(s.event().correlationId()), WAIT).event();
        publish(Topics.PVE_EVENTS, node, FleetEvent.causedBy(sync, EventCatalog.INVENTORY_OBSERVED, ADAPTER, node,
                new InventoryObserved("https://pve:8006/api2/json", List.of(
                        new ObservedVm(9003, "tpl", node, "stopped", true, 1, 1L << 30, 8L << 30, List.of())),
                        "sha256:99999999")));
    }

    /** Plays the adapter once: answers the next SyncInventory of {@code correlation} with {@code vms}. */
    static java.util.concurrent.CompletableFuture<Void> answerNextSync(String correlation, String node,
                                                                      List<ObservedVm> vms, String digest) {
        return java.util.concurrent.CompletableFuture.runAsync(() -> {
            try {
                FleetEvent sync = recorder.await("SyncInventory " + correlation, s -> is(s, EventCatalog.SYNC_INVENTORY)
                        && correlation.equals(s.event().correlationId()), WAIT).event();
                publish(Topics.PVE_EVENTS, node, FleetEvent.causedBy(sync, EventCatalog.INVENTORY_OBSERVED, ADAPTER,
                        node, new InventoryObserved("https://pve:8006/api2/json", vms, digest)));
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
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

    static Map<String, Object> awaitHost(String fleet, String host, String state) throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        List<Map<String, Object>> hosts = List.of();
        while (System.nanoTime() < end) {
            hosts = given().queryParam("fleet", fleet).when().get("/api/v1/hosts").then().statusCode(200)
                    .extract().jsonPath().getList("$");
            for (Map<String, Object> h : hosts) {
                if (host.equals(h.get("host")) && state.equals(h.get("state"))) {
                    return h;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError(host + " never reached " + state + "; hosts: " + hosts);
    }

    static void awaitIp(String fleet, String host, String ip) throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < end) {
            List<Map<String, Object>> hosts = given().queryParam("fleet", fleet).when().get("/api/v1/hosts")
                    .then().statusCode(200).extract().jsonPath().getList("$");
            if (hosts.stream().anyMatch(h -> host.equals(h.get("host")) && ip.equals(h.get("ip")))) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(host + " never got ip " + ip);
    }

    static List<String> awaitEvents(String query, int atLeast) throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        List<String> types = List.of();
        while (System.nanoTime() < end) {
            types = given().when().get("/api/v1/events?" + query).then().statusCode(200)
                    .extract().jsonPath().getList("type");
            if (types.size() >= atLeast) {
                return types;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("event log query " + query + " found only " + types);
    }
}
