package dev.fleetplane.adapter;

import static dev.fleetplane.adapter.KafkaProbe.causedBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.adapter.vmid.VmidRange;
import dev.fleetplane.adapter.vmid.VmidReservations;
import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.EventKind;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.Topics;
import dev.fleetplane.events.pve.CloneVm;
import dev.fleetplane.events.pve.ConfigureVm;
import dev.fleetplane.events.pve.GuestAgentUnavailable;
import dev.fleetplane.events.pve.GuestNetworkReported;
import dev.fleetplane.events.pve.QueryGuestNetwork;
import dev.fleetplane.events.pve.PveOperationFailed;
import dev.fleetplane.events.pve.StartVm;
import dev.fleetplane.events.pve.VmCloned;
import dev.fleetplane.events.pve.VmStarted;
import dev.fleetplane.localstack.quarkus.LocalStackTestResource;
import dev.fleetplane.proxmox.client.ClusterVm;
import dev.fleetplane.proxmox.client.ProxmoxClient;
import dev.fleetplane.pvesim.PveSimulator;
import dev.fleetplane.pvesim.SeedVm;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Clone slots, retries, VMID reservations and bad Proxmox answers, through Kafka against the simulator's fault
 * switches (2 clones per node, clones take 0.7 s, read timeout 2 s).
 */
@QuarkusTest
@QuarkusTestResource(LocalStackTestResource.class)
@QuarkusTestResource(value = FaultySimulatorTestResource.class, restrictToAnnotatedClass = true)
class CloneConcurrencyIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String SOURCE = "/fleetplane/clone-concurrency-it";
    private static KafkaProbe events;

    @Inject
    ProxmoxClient pve;

    @Inject
    DataSource dataSource;

    @Inject
    VmidReservations vmids;

    @BeforeAll
    static void connect() {
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
        sim().faults().clear();
    }

    private static PveSimulator sim() {
        return FaultySimulatorTestResource.simulator();
    }

    private static <T> FleetEvent command(String host, EventKind<T> kind, T payload) {
        FleetEvent e = FleetEvent.create(kind, SOURCE, host, payload, "plan-" + UUID.randomUUID());
        events.send(host, e);
        return e;
    }

    private static <T> T reply(FleetEvent command, EventKind<T> kind) {
        return KafkaProbe.decode(events.await(kind.type() + " caused by " + command.id(), causedBy(command, kind.type()), WAIT))
                .dataAs(kind);
    }

    private static FleetEvent cloneCommand(String host, int vmid) {
        return command(host, EventCatalog.CLONE_VM, new CloneVm("pve", FaultySimulatorTestResource.TEMPLATE, vmid, host, null, true));
    }

    private int queuedClones() throws Exception {
        try (var c = dataSource.getConnection(); var ps = c.prepareStatement(
                "SELECT count(*) FROM pve_task WHERE operation = 'clone-queued'"); var rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void sixClonesAtOnce_runAtMostTwoAtATimePerNode_theRestWaitQueued_andAllAreAnswered() throws Exception {
        AtomicInteger maxLocked = new AtomicInteger();
        AtomicInteger maxQueued = new AtomicInteger();
        AtomicBoolean sampling = new AtomicBoolean(true);
        CompletableFuture<Void> sampler = CompletableFuture.runAsync(() -> {
            while (sampling.get()) {
                int locked = (int) pve.clusterVms().stream().filter(v -> v.vmid() >= 201 && v.vmid() <= 206)
                        .filter(v -> "clone".equals(v.lock())).count();
                maxLocked.accumulateAndGet(locked, Math::max);
                try {
                    maxQueued.accumulateAndGet(queuedClones(), Math::max);
                    Thread.sleep(40);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        List<FleetEvent> commands = new ArrayList<>();
        for (int vmid = 201; vmid <= 206; vmid++) {
            commands.add(cloneCommand("burst-" + vmid, vmid));
        }
        for (FleetEvent c : commands) {
            VmCloned done = reply(c, EventCatalog.VM_CLONED);
            assertTrue(done.upid().contains(":qmclone:9003:"), done.upid());
        }
        sampling.set(false);
        sampler.join();
        assertTrue(maxLocked.get() >= 1 && maxLocked.get() <= 2, "clones in flight at once: " + maxLocked.get());
        assertTrue(maxQueued.get() >= 1, "some clones waited queued in pve_task: " + maxQueued.get());
        assertEquals(0, queuedClones());
    }

    @Test
    void cloneMeetingLockContention_isRetriedWithBackoff_andSucceeds() {
        long before = sim().faults().injected();
        sim().faults().lockContention("clone", 2);
        VmCloned done = reply(cloneCommand("locked-1", 210), EventCatalog.VM_CLONED);
        assertEquals(210, done.vmid());
        assertEquals(2, sim().faults().injected() - before, "two attempts met the lock");
    }

    @Test
    void htmlAnswer_isABadResponseNamingTheUrl_andTheCommandCanBeRetried() {
        sim().faults().html("resources", 1);
        PveOperationFailed failed = reply(cloneCommand("html-1", 220), EventCatalog.PVE_OPERATION_FAILED);
        assertEquals("bad-response", failed.failure());
        assertEquals("clone", failed.operation());
        assertTrue(failed.message().contains(sim().url() + "/cluster/resources"), failed.message());
        VmCloned again = reply(cloneCommand("html-1", 220), EventCatalog.VM_CLONED);
        assertEquals(220, again.vmid());
    }

    @Test
    void truncatedAndWrongTypedAnswers_areBadResponses_andAStartCanBeRetried() {
        reply(cloneCommand("cut-1", 221), EventCatalog.VM_CLONED);
        sim().faults().wrongType("status", 1);
        PveOperationFailed wrong = reply(command("cut-1", EventCatalog.START_VM, new StartVm("pve", 221)),
                EventCatalog.PVE_OPERATION_FAILED);
        assertEquals("bad-response", wrong.failure());
        assertTrue(wrong.message().contains("/nodes/pve/qemu/221/status/current"), wrong.message());

        sim().faults().truncatedJson("start", 1);
        PveOperationFailed cut = reply(command("cut-1", EventCatalog.START_VM, new StartVm("pve", 221)),
                EventCatalog.PVE_OPERATION_FAILED);
        assertEquals("bad-response", cut.failure());
        assertTrue(cut.message().contains(sim().url() + "/nodes/pve/qemu/221/status/start"), cut.message());

        // The truncated answer hid a start that happened: the retry finds the VM running and says so.
        VmStarted started = reply(command("cut-1", EventCatalog.START_VM, new StartVm("pve", 221)), EventCatalog.VM_STARTED);
        assertNull(started.upid());
    }

    @Test
    void stalledProxmox_failsWithinTheReadTimeoutAndRetries_asTransient() {
        reply(cloneCommand("stall-1", 222), EventCatalog.VM_CLONED);
        sim().faults().stall("status", Duration.ofSeconds(4), 4);
        long t0 = System.nanoTime();
        PveOperationFailed failed = reply(command("stall-1", EventCatalog.START_VM, new StartVm("pve", 222)),
                EventCatalog.PVE_OPERATION_FAILED);
        long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
        assertTrue(failed.retryable(), failed.toString());
        assertTrue(failed.message().contains(sim().url() + "/nodes/pve/qemu/222/status/current"), failed.message());
        assertTrue(seconds < 15, "4 attempts of 2 s read timeout each, took " + seconds + " s");
        sim().faults().clear();
        VmStarted started = reply(command("stall-1", EventCatalog.START_VM, new StartVm("pve", 222)), EventCatalog.VM_STARTED);
        assertTrue(started.upid().contains(":qmstart:222:"), started.upid());
    }

    @Test
    void cloneOutlivingItsHostsTimeout_failsAsTimeout_andARetryAnswersTheFinishedClone() throws Exception {
        PveOperationFailed failed = reply(cloneCommand("slow-1", 223), EventCatalog.PVE_OPERATION_FAILED);
        assertEquals("timeout", failed.failure());
        assertTrue(failed.upid() != null && failed.upid().contains(":qmclone:"), failed.toString());
        Thread.sleep(FaultySimulatorTestResource.CLONE_TIME.toMillis());
        VmCloned again = reply(cloneCommand("slow-1", 223), EventCatalog.VM_CLONED);
        assertEquals(223, again.vmid());
    }

    @Test
    void failedTask_carriesItsExitStatusAndLastLogLines() {
        reply(cloneCommand("task-1", 224), EventCatalog.VM_CLONED);
        sim().faults().failTaskOnRun("qmstart", 1);
        PveOperationFailed failed = reply(command("task-1", EventCatalog.START_VM, new StartVm("pve", 224)),
                EventCatalog.PVE_OPERATION_FAILED);
        assertEquals("task-failed", failed.failure());
        assertEquals("fault injected: qmstart failed on run 1", failed.exitStatus());
        assertTrue(failed.logTail().stream().anyMatch(l -> l.contains("fault injected")), failed.logTail().toString());
    }

    @Test
    void agentNeverUp_isReportedAsNotRunning_andTheSameQueryAnswersOnceTheAgentIsBack() {
        reply(cloneCommand("agent-1", 225), EventCatalog.VM_CLONED);
        reply(command("agent-1", EventCatalog.CONFIGURE_VM, new ConfigureVm("pve", 225, 2, 2048, Map.of("agent", "1"))),
                EventCatalog.VM_CONFIGURED);
        reply(command("agent-1", EventCatalog.START_VM, new StartVm("pve", 225)), EventCatalog.VM_STARTED);
        sim().faults().agentNeverUp(true);
        GuestAgentUnavailable down = reply(command("agent-1", EventCatalog.QUERY_GUEST_NETWORK,
                new QueryGuestNetwork("pve", 225, false)), EventCatalog.GUEST_AGENT_UNAVAILABLE);
        assertEquals("not-running", down.reason());
        assertTrue(down.message().contains("/nodes/pve/qemu/225/agent/network-get-interfaces"), down.message());
        sim().faults().agentNeverUp(false);
        GuestNetworkReported up = reply(command("agent-1", EventCatalog.QUERY_GUEST_NETWORK,
                new QueryGuestNetwork("pve", 225, false)), EventCatalog.GUEST_NETWORK_REPORTED);
        assertEquals(sim().guestAddress(225), up.chosenIp());
    }

    @Test
    void twoConcurrentAllocators_neverGetTheSameVmid_andTheRangeRunsOutClearly() throws Exception {
        VmidRange range = vmids.range();
        assertEquals(new VmidRange(9050, 9059), range);
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<List<Integer>>> allocators = new ArrayList<>();
        for (String who : List.of("a", "b")) {
            allocators.add(CompletableFuture.supplyAsync(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                List<Integer> got = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    got.add(vmids.reserve("allocator-" + who + "-" + i, range, Set.of(), vmid -> true));
                }
                return got;
            }));
        }
        go.countDown();
        Set<Integer> all = new HashSet<>();
        for (var f : allocators) {
            all.addAll(f.get());
        }
        assertEquals(10, all.size(), "10 reservations, 10 distinct VMIDs: " + all);
        var full = assertThrows(IllegalStateException.class, () -> vmids.reserve("one-too-many", range, Set.of(), v -> true));
        assertTrue(full.getMessage().contains("9050-9059"), full.getMessage());
        for (String who : List.of("a", "b")) {
            for (int i = 0; i < 5; i++) {
                for (int vmid : all) {
                    vmids.release(vmid, "allocator-" + who + "-" + i);
                }
            }
        }

        // Against Proxmox: a VM at 9050 (made by hand) is skipped; a VMID Proxmox refuses is skipped too.
        sim().seed(List.of(SeedVm.vm(9050, "hand-made-9050")));
        assertTrue(pve.clusterVms().stream().map(ClusterVm::vmid).anyMatch(v -> v == 9050));
        int first = vmids.reserve("template-nixos");
        assertEquals(9051, first);
        int second = vmids.reserve("smoke", range, Set.of(9050), vmid -> vmid != 9052);
        assertEquals(9053, second);
        assertTrue(vmids.release(first, "template-nixos"));
        assertTrue(vmids.release(second, "smoke"));
    }
}
