package dev.fleetplane.adapter;

import static dev.fleetplane.adapter.KafkaProbe.causedBy;
import static dev.fleetplane.adapter.KafkaProbe.header;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.Topics;
import dev.fleetplane.events.pve.CloneVm;
import dev.fleetplane.events.pve.ConfigureVm;
import dev.fleetplane.events.pve.DestroyVm;
import dev.fleetplane.events.pve.ResizeDisk;
import dev.fleetplane.events.pve.StopVm;
import dev.fleetplane.events.pve.VmDestroyed;
import dev.fleetplane.events.pve.VmResized;
import dev.fleetplane.events.pve.VmStopped;
import dev.fleetplane.events.pve.GuestNetworkReported;
import dev.fleetplane.events.pve.InventoryObserved;
import dev.fleetplane.events.pve.ObservedVm;
import dev.fleetplane.events.pve.PveOperationFailed;
import dev.fleetplane.events.pve.QueryGuestNetwork;
import dev.fleetplane.events.pve.StartVm;
import dev.fleetplane.events.pve.SyncInventory;
import dev.fleetplane.events.pve.VmCloned;
import dev.fleetplane.events.pve.VmConfigured;
import dev.fleetplane.localstack.quarkus.LocalStackTestResource;
import dev.fleetplane.proxmox.client.ProxmoxClient;
import dev.fleetplane.pvesim.SeedVm;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The adapter through its topics, against real Kafka + PostgreSQL and the PVE simulator. */
@QuarkusTest
@QuarkusTestResource(LocalStackTestResource.class)
@QuarkusTestResource(value = PveSimulatorTestResource.class, restrictToAnnotatedClass = true)
class ProxmoxAdapterIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String SOURCE = "/fleetplane/adapter-it";

    private static KafkaProbe events;
    private static KafkaProbe deadLetters;

    @Inject
    ProxmoxClient pve;

    @Inject
    javax.sql.DataSource dataSource;

    @BeforeAll
    static void connect() {
        String bootstrap = LocalStackTestResource.current().kafkaBootstrapServers();
        events = new KafkaProbe(bootstrap, Topics.PVE_EVENTS);
        deadLetters = new KafkaProbe(bootstrap, Topics.dlq(Topics.PVE_COMMANDS));
    }

    @AfterAll
    static void disconnect() {
        if (events != null) {
            events.close();
        }
        if (deadLetters != null) {
            deadLetters.close();
        }
    }

    private static <T> FleetEvent command(String host, dev.fleetplane.events.EventKind<T> kind, T payload) {
        FleetEvent e = FleetEvent.create(kind, SOURCE, host, payload, "plan-" + UUID.randomUUID());
        events.send(host, e);
        return e;
    }

    private static ConsumerRecord<String, byte[]> reply(FleetEvent command, dev.fleetplane.events.EventKind<?> kind) {
        return events.await(kind.type() + " caused by " + command.id(), causedBy(command, kind.type()), WAIT);
    }

    private static VmCloned clone(String host, int vmid) {
        FleetEvent cmd = command(host, EventCatalog.CLONE_VM,
                new CloneVm("pve", PveSimulatorTestResource.TEMPLATE, vmid, host, null, true));
        return KafkaProbe.decode(reply(cmd, EventCatalog.VM_CLONED)).dataAs(EventCatalog.VM_CLONED);
    }

    private static PveOperationFailed failure(FleetEvent cmd) {
        return KafkaProbe.decode(reply(cmd, EventCatalog.PVE_OPERATION_FAILED)).dataAs(EventCatalog.PVE_OPERATION_FAILED);
    }

    @Test
    void observability_metricsTimeTheCloneAndItsProxmoxCalls_openApiListsTheRestPaths_readinessAsksProxmox()
            throws InterruptedException {
        clone("obs-1", 138);

        // The timers move just after the commit whose answer the test saw: poll the scrape a moment.
        String scrape = "";
        for (long end = System.nanoTime() + WAIT.toNanos(); System.nanoTime() < end; Thread.sleep(50)) {
            scrape = io.restassured.RestAssured.given().get("/q/metrics").then().statusCode(200).extract().asString();
            if (series(scrape, "fleetplane_pve_task_seconds_count", "operation=\"clone\"")
                    && series(scrape, "fleetplane_events_handled_total", "type=\"" + EventCatalog.CLONE_VM.type())) {
                break;
            }
        }
        assertTrue(series(scrape, "fleetplane_pve_call_seconds_bucket", "operation=\"clone\"", "method=\"POST\"",
                "outcome=\"ok\""), scrape);
        assertTrue(series(scrape, "fleetplane_pve_task_seconds_count", "operation=\"clone\"", "outcome=\"ok\""),
                scrape);
        assertTrue(series(scrape, "fleetplane_events_handled_total", "consumer=\"proxmox-adapter\"",
                "type=\"" + EventCatalog.CLONE_VM.type() + "\""), scrape);
        assertTrue(series(scrape, "fleetplane_outbox_backlog"), scrape);

        io.restassured.RestAssured.given().get("/q/openapi?format=json").then().statusCode(200)
                .body("info.title", org.hamcrest.Matchers.equalTo("fleetplane proxmox adapter API"))
                .body("paths.keySet()", org.hamcrest.Matchers.hasItems("/api/v1/vms", "/api/v1/vms/{vmid}/status",
                        "/api/v1/cluster/nextid"));
        io.restassured.RestAssured.given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'Proxmox VE API' }.status", org.hamcrest.Matchers.equalTo("UP"))
                .body("checks.find { it.name == 'Proxmox VE API' }.data.url",
                        org.hamcrest.Matchers.equalTo(PveSimulatorTestResource.simulator().url()))
                .body("checks.find { it.name == 'Kafka' }.status",
                        org.hamcrest.Matchers.equalTo("UP"))
                .body("checks.find { it.name == 'PostgreSQL' }.status",
                        org.hamcrest.Matchers.equalTo("UP"));
        io.restassured.RestAssured.given().get("/q/health/live").then().statusCode(200)
                .body("checks.name", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem("Proxmox VE API")));
    }

    /** Whether the Prometheus text has a sample of {@code name} carrying every label given as {@code key="value"}. */
    static boolean series(String scrape, String name, String... labels) {
        return scrape.lines().filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .anyMatch(l -> java.util.Arrays.stream(labels).allMatch(l::contains));
    }

    @Test
    void resizeGrow_answersVmResized_andTheConfigShowsTheNewSize_shrinkIsRefusedUntouched() {
        clone("disk-1", 130);
        FleetEvent grow = command("disk-1", EventCatalog.RESIZE_DISK, new ResizeDisk("pve", 130, "scsi0", "20G"));
        VmResized resized = KafkaProbe.decode(reply(grow, EventCatalog.VM_RESIZED)).dataAs(EventCatalog.VM_RESIZED);
        assertEquals("scsi0", resized.disk());
        assertEquals("20G", resized.size());
        assertTrue(resized.upid().contains(":resize:130:"), resized.upid());
        assertTrue(pve.config("pve", 130).get("scsi0").orElseThrow().endsWith("size=20G"),
                pve.config("pve", 130).get("scsi0").orElseThrow());

        PveSimulatorTestResource.simulator().resetCounts();
        PveOperationFailed shrink = failure(command("disk-1", EventCatalog.RESIZE_DISK, new ResizeDisk("pve", 130, "scsi0", "10G")));
        assertEquals("invalid-parameter", shrink.failure());
        assertTrue(shrink.message().contains("shrinking disk 'scsi0' of VM 130 from 20G to 10G is refused"), shrink.message());
        assertEquals(0, PveSimulatorTestResource.simulator().requestCount("PUT /nodes/{node}/qemu/{vmid}/resize"),
                "a shrink never reaches Proxmox's resize");
        assertTrue(pve.config("pve", 130).get("scsi0").orElseThrow().endsWith("size=20G"));

        VmResized same = KafkaProbe.decode(reply(command("disk-1", EventCatalog.RESIZE_DISK,
                new ResizeDisk("pve", 130, "scsi0", "20G")), EventCatalog.VM_RESIZED)).dataAs(EventCatalog.VM_RESIZED);
        assertNull(same.upid(), "a disk of that size already is answered without a task");
    }

    @Test
    void createFromAVirtio0Template_clonesConfiguresGrowsTheTemplatesDiskWithoutNamingIt_andStarts() {
        // A nixos-generators proxmox image: its one disk is virtio0, booted first; nothing says scsi0.
        int template = 9013;
        PveSimulatorTestResource.simulator().seed(List.of(
                SeedVm.template(template, "nixos-generators").withDiskInterface("virtio0")));
        FleetEvent sync = command("inventory", EventCatalog.SYNC_INVENTORY, new SyncInventory("virtio0-it"));
        ObservedVm seen = KafkaProbe.decode(reply(sync, EventCatalog.INVENTORY_OBSERVED))
                .dataAs(EventCatalog.INVENTORY_OBSERVED).vms().stream().filter(v -> v.vmid() == template)
                .findFirst().orElseThrow();
        assertEquals("order=virtio0;net0", seen.config().get("boot"), "the planner sees the template's boot disk");

        String host = "gen-1";
        reply(command(host, EventCatalog.CLONE_VM, new CloneVm("pve", template, 136, host, null, true)),
                EventCatalog.VM_CLONED);
        reply(command(host, EventCatalog.CONFIGURE_VM, new ConfigureVm("pve", 136, 2, 4096, Map.of("name", host,
                "agent", "1", "cpu", "x86-64-v2-AES", "onboot", "0", "ipconfig0", "ip=dhcp", "ciuser", "ops",
                "sshkeys", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleKey ops@laptop"))), EventCatalog.VM_CONFIGURED);
        VmResized resized = KafkaProbe.decode(reply(command(host, EventCatalog.RESIZE_DISK,
                new ResizeDisk("pve", 136, null, "32G")), EventCatalog.VM_RESIZED)).dataAs(EventCatalog.VM_RESIZED);
        assertEquals("virtio0", resized.disk(), "the clone's boot disk, from its config");
        assertTrue(pve.config("pve", 136).get("virtio0").orElseThrow().endsWith("size=32G"),
                pve.config("pve", 136).get("virtio0").orElseThrow());
        assertEquals(java.util.Optional.of("ip=dhcp"), pve.config("pve", 136).get("ipconfig0"));
        assertEquals(java.util.Optional.of("0"), pve.config("pve", 136).get("onboot"));
        reply(command(host, EventCatalog.START_VM, new StartVm("pve", 136)), EventCatalog.VM_STARTED);
        assertTrue(pve.status("pve", 136).running());

        PveOperationFailed named = failure(command(host, EventCatalog.RESIZE_DISK, new ResizeDisk("pve", 136, "scsi0", "40G")));
        assertEquals("not-found", named.failure());
        assertTrue(named.message().contains("VM 136 has no disk 'scsi0'"), named.message());
    }

    @Test
    void gracefulStop_withAgent_stopsCleanly_andAStoppedVmIsAnsweredAtOnce() {
        clone("stop-1", 131);
        reply(command("stop-1", EventCatalog.START_VM, new StartVm("pve", 131)), EventCatalog.VM_STARTED);

        VmStopped stopped = KafkaProbe.decode(reply(command("stop-1", EventCatalog.STOP_VM, new StopVm("pve", 131, true, 30)),
                EventCatalog.VM_STOPPED)).dataAs(EventCatalog.VM_STOPPED);
        assertTrue(stopped.graceful(), "the guest agent shut the guest down");
        assertTrue(stopped.upid().contains(":qmshutdown:131:"), stopped.upid());
        assertFalse(pve.status("pve", 131).running());

        VmStopped again = KafkaProbe.decode(reply(command("stop-1", EventCatalog.STOP_VM, new StopVm("pve", 131, true, 30)),
                EventCatalog.VM_STOPPED)).dataAs(EventCatalog.VM_STOPPED);
        assertNull(again.upid(), "no task for a VM that is stopped already");
    }

    @Test
    void gracefulStop_withoutAgent_timesOut_thenStopsHard() {
        clone("stop-2", 132);
        reply(command("stop-2", EventCatalog.CONFIGURE_VM, new ConfigureVm("pve", 132, 1, 1024, Map.of("agent", "0"))),
                EventCatalog.VM_CONFIGURED);
        reply(command("stop-2", EventCatalog.START_VM, new StartVm("pve", 132)), EventCatalog.VM_STARTED);

        VmStopped stopped = KafkaProbe.decode(reply(command("stop-2", EventCatalog.STOP_VM, new StopVm("pve", 132, true, 1)),
                EventCatalog.VM_STOPPED)).dataAs(EventCatalog.VM_STOPPED);
        assertFalse(stopped.graceful(), "nothing in the guest answered the shutdown");
        assertTrue(stopped.upid().contains(":qmstop:132:"), stopped.upid());
        assertFalse(pve.status("pve", 132).running());
    }

    @Test
    void destroyOfOurVm_removesIt_andARepeatIsAnsweredToo() {
        clone("gone-1", 133);
        VmDestroyed destroyed = KafkaProbe.decode(reply(command("gone-1", EventCatalog.DESTROY_VM,
                new DestroyVm("pve", 133, "gone-1")), EventCatalog.VM_DESTROYED)).dataAs(EventCatalog.VM_DESTROYED);
        assertTrue(destroyed.upid().contains(":qmdestroy:133:"), destroyed.upid());
        assertTrue(pve.clusterVms().stream().noneMatch(v -> v.vmid() == 133), "VM 133 is gone from /cluster/resources");

        VmDestroyed again = KafkaProbe.decode(reply(command("gone-1", EventCatalog.DESTROY_VM,
                new DestroyVm("pve", 133, "gone-1")), EventCatalog.VM_DESTROYED)).dataAs(EventCatalog.VM_DESTROYED);
        assertNull(again.upid());
    }

    @Test
    void destroyOfARunningVm_isRefused_andOfAForeignVm_isRefusedUntouched() {
        clone("busy-1", 134);
        reply(command("busy-1", EventCatalog.START_VM, new StartVm("pve", 134)), EventCatalog.VM_STARTED);
        PveOperationFailed running = failure(command("busy-1", EventCatalog.DESTROY_VM, new DestroyVm("pve", 134, "busy-1")));
        assertEquals("vm-running", running.failure());
        assertTrue(pve.status("pve", 134).running());

        PveSimulatorTestResource.simulator().resetCounts();
        PveOperationFailed foreign = failure(command("web-7", EventCatalog.DESTROY_VM,
                new DestroyVm("pve", PveSimulatorTestResource.FOREIGN_VM, "hand-made")));
        assertEquals("not-owned", foreign.failure());
        assertEquals("destroy", foreign.operation());
        assertTrue(foreign.message().contains("VM 150 was not created by fleetplane"), foreign.message());
        assertEquals(0, PveSimulatorTestResource.simulator().requestCount("DELETE /nodes/{node}/qemu/{vmid}"));
        assertEquals("hand-made", pve.config("pve", PveSimulatorTestResource.FOREIGN_VM).get("name").orElseThrow());

        PveOperationFailed otherHost = failure(command("web-7", EventCatalog.DESTROY_VM, new DestroyVm("pve", 134, "busy-1")));
        assertEquals("not-owned", otherHost.failure());
        assertTrue(otherHost.message().contains("was created for host busy-1, not web-7"), otherHost.message());
    }

    @Test
    void configureWithBiosOvmf_addsAnEfiDisk_andEveryPlannerKeyIsWritten() {
        clone("uefi-1", 135);
        Map<String, String> extra = new java.util.LinkedHashMap<>();
        extra.put("name", "uefi-1");
        extra.put("bios", "ovmf");
        extra.put("cpu", "host");
        extra.put("machine", "q35");
        extra.put("tags", "fleetplane,uefi");
        extra.put("description", "managed by fleetplane");
        extra.put("agent", "1");
        extra.put("net0", "virtio,bridge=vmbr0");
        extra.put("serial0", "socket");
        String macBefore = pve.config("pve", 135).net0Mac().orElseThrow();
        VmConfigured configured = KafkaProbe.decode(reply(command("uefi-1", EventCatalog.CONFIGURE_VM,
                new ConfigureVm("pve", 135, 2, 2048, extra)), EventCatalog.VM_CONFIGURED)).dataAs(EventCatalog.VM_CONFIGURED);
        assertTrue(configured.keys().contains("efidisk0"), configured.keys().toString());

        var config = pve.config("pve", 135);
        assertEquals("ovmf", config.get("bios").orElseThrow());
        assertTrue(config.get("efidisk0").orElseThrow().startsWith("local-lvm:vm-135-disk-"), config.get("efidisk0").orElseThrow());
        assertEquals("host", config.get("cpu").orElseThrow());
        assertEquals("q35", config.get("machine").orElseThrow());
        assertEquals("fleetplane;uefi", config.get("tags").orElseThrow());
        assertEquals("socket", config.get("serial0").orElseThrow());
        assertEquals(macBefore, config.net0Mac().orElseThrow(), "net0 keeps its MAC");

        PveOperationFailed unknown = failure(command("uefi-1", EventCatalog.CONFIGURE_VM,
                new ConfigureVm("pve", 135, 2, 2048, Map.of("hookscript", "local:snippets/x.pl", "bios", "uefi"))));
        assertEquals("invalid-parameter", unknown.failure());
        assertTrue(unknown.message().contains("unknown config key 'hookscript'"), unknown.message());
        assertTrue(unknown.message().contains("extra bios 'uefi' is not seabios or ovmf"), unknown.message());
    }

    @Test
    void clone_publishesVmClonedAsCloudEvent_causedByTheCommand() {
        FleetEvent cmd = command("web-1", EventCatalog.CLONE_VM,
                new CloneVm("pve", PveSimulatorTestResource.TEMPLATE, 111, "web-1", "local-lvm", true));
        ConsumerRecord<String, byte[]> r = reply(cmd, EventCatalog.VM_CLONED);

        assertEquals("web-1", r.key());
        assertEquals(EventCatalog.VM_CLONED.type(), header(r, "ce_type"));
        assertEquals("web-1", header(r, "ce_subject"));
        assertNotNull(header(r, "ce_id"));
        assertEquals("/fleetplane/proxmox-adapter", header(r, "ce_source"));
        assertEquals(cmd.id(), header(r, "ce_causationid"));
        assertEquals(cmd.correlationId(), header(r, "ce_correlationid"));
        VmCloned cloned = KafkaProbe.decode(r).dataAs(EventCatalog.VM_CLONED);
        assertEquals(111, cloned.vmid());
        assertEquals(PveSimulatorTestResource.TEMPLATE, cloned.templateVmid());
        assertTrue(cloned.upid().startsWith("UPID:pve:") && cloned.upid().contains(":qmclone:9003:"), cloned.upid());
        assertEquals("web-1", pve.config("pve", 111).get("name").orElseThrow());
    }

    @Test
    void configureStartAndQuery_reportTheAddressOfTheNicWithNet0sMac() {
        clone("app-1", 112);

        FleetEvent configure = command("app-1", EventCatalog.CONFIGURE_VM,
                new ConfigureVm("pve", 112, 2, 3072, Map.of("description", "managed by fleetplane", "onboot", "1")));
        VmConfigured configured = KafkaProbe.decode(reply(configure, EventCatalog.VM_CONFIGURED)).dataAs(EventCatalog.VM_CONFIGURED);
        assertTrue(configured.keys().containsAll(java.util.List.of("cores", "memory", "description", "onboot")), configured.keys().toString());
        assertEquals(java.util.Optional.of(2), pve.config("pve", 112).cores());
        assertEquals(java.util.Optional.of(3072), pve.config("pve", 112).memoryMb());

        FleetEvent start = command("app-1", EventCatalog.START_VM, new StartVm("pve", 112));
        reply(start, EventCatalog.VM_STARTED);
        assertTrue(pve.status("pve", 112).running());

        String net0Mac = pve.config("pve", 112).net0Mac().orElseThrow();
        GuestNetworkReported network = null;
        for (int attempt = 0; attempt < 20 && (network == null || network.chosenIp() == null); attempt++) {
            FleetEvent query = command("app-1", EventCatalog.QUERY_GUEST_NETWORK, new QueryGuestNetwork("pve", 112, false));
            ConsumerRecord<String, byte[]> r = events.await("answer to " + query.id(), causedBy(query), WAIT);
            FleetEvent answer = KafkaProbe.decode(r);
            if (answer.is(EventCatalog.GUEST_NETWORK_REPORTED)) {
                network = answer.dataAs(EventCatalog.GUEST_NETWORK_REPORTED);
            } else {
                assertEquals(EventCatalog.GUEST_AGENT_UNAVAILABLE.type(), answer.type(), "unexpected answer " + answer);
                sleep(250);
            }
        }
        assertNotNull(network, "the guest agent never answered");
        String expected = PveSimulatorTestResource.simulator().guestAddress(112);
        assertEquals(expected, network.chosenIp());
        var chosen = network.addresses().stream().filter(a -> expected.equals(a.ip())).findFirst().orElseThrow();
        assertTrue(net0Mac.equalsIgnoreCase(chosen.mac()), chosen + " vs net0 " + net0Mac);
        assertTrue(network.addresses().stream().anyMatch(a -> a.ip().equals("127.0.0.1")), "all addresses are reported");
    }

    @Test
    void startOfARunningVm_isAnsweredAtOnce() {
        clone("db-1", 116);
        reply(command("db-1", EventCatalog.START_VM, new StartVm("pve", 116)), EventCatalog.VM_STARTED);
        var again = KafkaProbe.decode(reply(command("db-1", EventCatalog.START_VM, new StartVm("pve", 116)), EventCatalog.VM_STARTED))
                .dataAs(EventCatalog.VM_STARTED);
        assertEquals(null, again.upid(), "no second start task for a running VM");
    }

    @Test
    void redeliveredClone_clonesOnce() {
        FleetEvent cmd = command("cache-1", EventCatalog.CLONE_VM,
                new CloneVm("pve", PveSimulatorTestResource.TEMPLATE, 113, "cache-1", null, true));
        reply(cmd, EventCatalog.VM_CLONED);
        events.send("cache-1", cmd); // the same event id again, as Kafka redelivers after a crash
        // Answered in the consumer's own transaction (the clone is stopped): the adapter reads the key's partition in
        // order and the outbox publishes in commit order, so once this answer is in, an answer to the redelivery would be.
        reply(command("cache-1", EventCatalog.STOP_VM, new StopVm("pve", 113, false, 0)), EventCatalog.VM_STOPPED);

        var answers = events.seen(causedBy(cmd));
        assertEquals(1, answers.size(), "one answer to one command");
        assertEquals(EventCatalog.VM_CLONED.type(), header(answers.get(0), "ce_type"));
    }

    @Test
    void repeatedCloneForTheSameHost_reAnswersWithoutCloningAgain() {
        VmCloned first = clone("cache-2", 115);
        VmCloned second = clone("cache-2", 115);
        assertEquals(first.upid(), second.upid(), "the second answer reports the first clone's task");
    }

    @Test
    void cloneOntoAVmidHeldByAForeignVm_isRefused_andTheVmIsUntouched() {
        FleetEvent cmd = command("web-9", EventCatalog.CLONE_VM,
                new CloneVm("pve", PveSimulatorTestResource.TEMPLATE, PveSimulatorTestResource.FOREIGN_VM, "web-9", null, true));
        PveOperationFailed failed = KafkaProbe.decode(reply(cmd, EventCatalog.PVE_OPERATION_FAILED))
                .dataAs(EventCatalog.PVE_OPERATION_FAILED);

        assertEquals("already-exists", failed.failure());
        assertEquals("clone", failed.operation());
        assertFalse(failed.retryable());
        assertTrue(failed.message().contains("VMID 150 is held by a VM fleetplane did not create"), failed.message());
        assertEquals("hand-made", pve.config("pve", PveSimulatorTestResource.FOREIGN_VM).get("name").orElseThrow());
    }

    @Test
    void cloneOfAMissingTemplate_failsAsNotFound() {
        FleetEvent cmd = command("web-8", EventCatalog.CLONE_VM, new CloneVm("pve", 9999, 118, "web-8", null, true));
        PveOperationFailed failed = KafkaProbe.decode(reply(cmd, EventCatalog.PVE_OPERATION_FAILED))
                .dataAs(EventCatalog.PVE_OPERATION_FAILED);
        assertEquals("not-found", failed.failure());
        assertTrue(failed.message().contains("/nodes/pve/qemu/9999/clone"), failed.message());
    }

    @Test
    void garbageAndUnknownTypes_goToTheDeadLetterTopic_andTheNextCommandIsHandled() {
        String garbageKey = "garbage-" + UUID.randomUUID();
        events.send(new ProducerRecord<>(Topics.PVE_COMMANDS, garbageKey, "{not json".getBytes(StandardCharsets.UTF_8)));

        String unknownKey = "unknown-" + UUID.randomUUID();
        ProducerRecord<String, byte[]> unknown = new ProducerRecord<>(Topics.PVE_COMMANDS, unknownKey,
                "{\"schemaVersion\":1}".getBytes(StandardCharsets.UTF_8));
        unknown.headers().add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8));
        unknown.headers().add("ce_id", UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
        unknown.headers().add("ce_type", "fleetplane.vm.exploded.v1".getBytes(StandardCharsets.UTF_8));
        unknown.headers().add("ce_source", "/fleetplane/adapter-it".getBytes(StandardCharsets.UTF_8));
        unknown.headers().add("content-type", "application/json".getBytes(StandardCharsets.UTF_8));
        events.send(unknown);

        String notACommandKey = "not-a-command-" + UUID.randomUUID();
        events.send(notACommandKey, FleetEvent.create(EventCatalog.VM_CLONED, SOURCE, notACommandKey,
                new VmCloned("pve", 111, "x", 9003, null), null));

        FleetEvent sync = command("inventory", EventCatalog.SYNC_INVENTORY, new SyncInventory("adapter-it"));
        InventoryObserved inventory = KafkaProbe.decode(reply(sync, EventCatalog.INVENTORY_OBSERVED))
                .dataAs(EventCatalog.INVENTORY_OBSERVED);
        assertTrue(inventory.vms().stream().anyMatch(v -> v.vmid() == 9003 && v.template()), inventory.vms().toString());
        assertTrue(inventory.digest().startsWith("sha256:"));
        assertEquals(PveSimulatorTestResource.simulator().url(), inventory.pveUrl());

        var g = deadLetters.await("dead-lettered garbage", r -> garbageKey.equals(r.key()), WAIT);
        assertTrue(header(g, Topics.DLQ_REASON_HEADER).contains("not a CloudEvent"), header(g, Topics.DLQ_REASON_HEADER));
        var u = deadLetters.await("dead-lettered unknown type", r -> unknownKey.equals(r.key()), WAIT);
        assertTrue(header(u, Topics.DLQ_REASON_HEADER).contains("unknown event type 'fleetplane.vm.exploded.v1'"),
                header(u, Topics.DLQ_REASON_HEADER));
        var n = deadLetters.await("dead-lettered non-command", r -> notACommandKey.equals(r.key()), WAIT);
        assertTrue(header(n, Topics.DLQ_REASON_HEADER).contains("is not a type proxmox-adapter handles; expected one of"),
                header(n, Topics.DLQ_REASON_HEADER));
        assertEquals("0", header(n, Topics.DLQ_ATTEMPTS_HEADER));
    }

    @Test
    void invalidCommand_isRefusedNamingTheField() {
        FleetEvent cmd = command("bad-1", EventCatalog.CONFIGURE_VM, new ConfigureVm("pve", 42, 0, 2048, Map.of()));
        PveOperationFailed failed = KafkaProbe.decode(reply(cmd, EventCatalog.PVE_OPERATION_FAILED))
                .dataAs(EventCatalog.PVE_OPERATION_FAILED);
        assertEquals("invalid-parameter", failed.failure());
        assertTrue(failed.message().contains("vmid 42 is outside") && failed.message().contains("cores must be positive"),
                failed.message());
    }

    @Test
    void storedTask_isPolledToItsAnswer_asAfterARestart() throws Exception {
        clone("resume-1", 117);
        // A task dispatched before a "crash": only its row in pve_task remains; no command is in flight.
        String upid = pve.start("pve", 117).value();
        String commandId = UUID.randomUUID().toString();
        try (var c = dataSource.getConnection(); var ps = c.prepareStatement("""
                INSERT INTO pve_task (upid, node, vmid, operation, command_event_id, command_type, host, kafka_key,
                                      correlation_id, deadline)
                VALUES (?, 'pve', 117, 'start', ?, ?, 'resume-1', 'resume-1', 'plan-resume', now() + interval '5 minutes')""")) {
            ps.setString(1, upid);
            ps.setString(2, commandId);
            ps.setString(3, EventCatalog.START_VM.type());
            ps.executeUpdate();
        }
        ConsumerRecord<String, byte[]> r = events.await("VmStarted for the stored task",
                rec -> commandId.equals(header(rec, "ce_causationid")), WAIT);
        FleetEvent started = KafkaProbe.decode(r);
        assertEquals(EventCatalog.VM_STARTED.type(), started.type());
        assertEquals("plan-resume", started.correlationId());
        assertEquals("resume-1", r.key());
        assertEquals(upid, started.dataAs(EventCatalog.VM_STARTED).upid());
        try (var c = dataSource.getConnection(); var ps = c.prepareStatement("SELECT count(*) FROM pve_task WHERE upid = ?")) {
            ps.setString(1, upid);
            try (var rs = ps.executeQuery()) {
                rs.next();
                assertEquals(0, rs.getInt(1), "the answered task's row is gone");
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
