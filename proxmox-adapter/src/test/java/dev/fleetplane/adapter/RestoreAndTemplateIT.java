package dev.fleetplane.adapter;

import static dev.fleetplane.adapter.KafkaProbe.causedBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.EventKind;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.Topics;
import dev.fleetplane.events.pve.ConvertToTemplate;
import dev.fleetplane.events.pve.PveOperationFailed;
import dev.fleetplane.events.pve.RestoreVm;
import dev.fleetplane.events.pve.VmRestored;
import dev.fleetplane.events.pve.VmTemplated;
import dev.fleetplane.localstack.quarkus.LocalStackTestResource;
import dev.fleetplane.proxmox.client.ProxmoxClient;
import dev.fleetplane.pvesim.PveSimulator;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The template image's path through the adapter: a backup archive restored into a VMID the adapter allocates from its
 * range (once per command, whatever the redeliveries), then turned into a template; never onto someone else's VM.
 */
@QuarkusTest
@QuarkusTestResource(LocalStackTestResource.class)
@QuarkusTestResource(value = PveSimulatorTestResource.class, restrictToAnnotatedClass = true)
class RestoreAndTemplateIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String SOURCE = "/fleetplane/template-builder-it";
    private static final String CREATE = "POST /nodes/{node}/qemu";
    private static KafkaProbe events;

    @Inject
    ProxmoxClient pve;

    @Inject
    DataSource dataSource;

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

    private static <T> FleetEvent send(String subject, EventKind<T> kind, T payload) {
        FleetEvent e = FleetEvent.create(kind, SOURCE, subject, payload, "template-" + UUID.randomUUID());
        events.send(subject, e);
        return e;
    }

    private static <T> T reply(FleetEvent command, EventKind<T> kind) {
        ConsumerRecord<String, byte[]> r = events.await(kind.type() + " caused by " + command.id(),
                causedBy(command, kind.type()), WAIT);
        return KafkaProbe.decode(r).dataAs(kind);
    }

    @Test
    void restoreWithoutVmid_getsOneFromTheRange_onceEvenWhenRedelivered_thenBecomesATemplate() throws Exception {
        PveSimulator sim = PveSimulatorTestResource.simulator();
        sim.resetCounts();
        FleetEvent restore = send("nixos-25.05", EventCatalog.RESTORE_VM,
                new RestoreVm("pve", null, PveSimulatorTestResource.TEMPLATE_ARCHIVE, "local-lvm", true));
        VmRestored restored = reply(restore, EventCatalog.VM_RESTORED);

        assertTrue(restored.vmid() >= 9000 && restored.vmid() <= 9099, "from fleetplane.adapter.vmid.range: "
                + restored.vmid());
        assertTrue(restored.upid().contains(":qmrestore:" + restored.vmid() + ":"), restored.upid());
        assertEquals("nixos-template", pve.config("pve", restored.vmid()).get("name").orElseThrow());
        assertNotEquals("BC:24:11:5E:00:01", pve.config("pve", restored.vmid()).net0Mac().orElseThrow(),
                "unique: new MAC addresses");
        assertEquals(0, leases(restore.id()), "the VM holds its VMID now; the reservation is gone");

        events.send("nixos-25.05", restore); // redelivered: same event id, dropped by the inbox
        everythingBeforeIsAnswered("nixos-25.05");
        assertEquals(1, events.seen(causedBy(restore, EventCatalog.VM_RESTORED.type())).size());
        forgetHandled(restore.id()); // as if the adapter had died after the restore, before recording the command
        events.send("nixos-25.05", restore);
        everythingBeforeIsAnswered("nixos-25.05");
        var answers = events.seen(causedBy(restore, EventCatalog.VM_RESTORED.type()));
        assertEquals(2, answers.size(), "handled again: answered again");
        assertEquals(restored.vmid(), KafkaProbe.decode(answers.get(1)).dataAs(EventCatalog.VM_RESTORED).vmid(),
                "the same VM, not a second allocation");
        assertEquals(1, sim.requestCount(CREATE), "restored once");

        FleetEvent template = send("nixos-25.05", EventCatalog.CONVERT_TO_TEMPLATE,
                new ConvertToTemplate("pve", restored.vmid()));
        VmTemplated templated = reply(template, EventCatalog.VM_TEMPLATED);
        assertTrue(templated.upid().contains(":qmtemplate:" + restored.vmid() + ":"), templated.upid());
        assertEquals("1", pve.config("pve", restored.vmid()).get("template").orElseThrow());

        VmTemplated again = reply(send("nixos-25.05", EventCatalog.CONVERT_TO_TEMPLATE,
                new ConvertToTemplate("pve", restored.vmid())), EventCatalog.VM_TEMPLATED);
        assertNull(again.upid(), "a template already: answered without a task");
    }

    @Test
    void twoRestoresAtOnce_getDifferentVmids() {
        FleetEvent a = send("image-a", EventCatalog.RESTORE_VM,
                new RestoreVm("pve", 0, PveSimulatorTestResource.TEMPLATE_ARCHIVE, null, true));
        FleetEvent b = send("image-b", EventCatalog.RESTORE_VM,
                new RestoreVm("pve", 0, PveSimulatorTestResource.TEMPLATE_ARCHIVE, null, true));

        assertNotEquals(reply(a, EventCatalog.VM_RESTORED).vmid(), reply(b, EventCatalog.VM_RESTORED).vmid());
    }

    @Test
    void restoreOntoAForeignVm_andTemplateOfAForeignVm_areRefusedUntouched() {
        PveOperationFailed onto = reply(send("image-c", EventCatalog.RESTORE_VM, new RestoreVm("pve",
                PveSimulatorTestResource.FOREIGN_VM, PveSimulatorTestResource.TEMPLATE_ARCHIVE, null, false)),
                EventCatalog.PVE_OPERATION_FAILED);
        assertEquals("already-exists", onto.failure());
        assertTrue(onto.message().contains("'hand-made'"), onto.message());

        PveOperationFailed convert = reply(send("image-c", EventCatalog.CONVERT_TO_TEMPLATE,
                new ConvertToTemplate("pve", PveSimulatorTestResource.FOREIGN_VM)), EventCatalog.PVE_OPERATION_FAILED);
        assertEquals("not-owned", convert.failure());
        assertEquals("hand-made", pve.config("pve", PveSimulatorTestResource.FOREIGN_VM).get("name").orElseThrow());
        assertTrue(pve.config("pve", PveSimulatorTestResource.FOREIGN_VM).get("template").isEmpty());
    }

    @Test
    void missingArchive_failsTyped_namingIt_andTheVmidIsFreeAgain() throws Exception {
        FleetEvent restore = send("image-d", EventCatalog.RESTORE_VM,
                new RestoreVm("pve", 9150, "local:backup/vzdump-qemu-1-gone.vma.zst", null, false));
        PveOperationFailed failed = reply(restore, EventCatalog.PVE_OPERATION_FAILED);

        assertEquals("restore", failed.operation());
        assertTrue(failed.message().contains("vzdump-qemu-1-gone.vma.zst"), failed.message());
        assertTrue(pve.clusterVms().stream().noneMatch(v -> v.vmid() == 9150));
    }

    @Test
    void badFields_areRefusedBeforeAnyCall_namingEach() {
        PveOperationFailed refused = reply(send("image-e", EventCatalog.RESTORE_VM,
                new RestoreVm("pve", 42, "not a volume", "bad storage!", false)), EventCatalog.PVE_OPERATION_FAILED);
        assertEquals("invalid-parameter", refused.failure());
        assertTrue(refused.message().contains("archive 'not a volume'"), refused.message());
        assertTrue(refused.message().contains("storage 'bad storage!'"), refused.message());
        assertTrue(refused.message().contains("vmid"), refused.message());
    }

    /**
     * Sends, on {@code key}, a command refused before any Proxmox call (a template of the foreign VM) and waits for its
     * answer: written in the consumer's own transaction, after every command sent before it on that key (one partition,
     * read in order) and published after their answers (the outbox, in commit order). So once it is in, an answer that
     * did not come was never written; no quiet period is waited for.
     */
    private static void everythingBeforeIsAnswered(String key) {
        PveOperationFailed refused = reply(send(key, EventCatalog.CONVERT_TO_TEMPLATE,
                new ConvertToTemplate("pve", PveSimulatorTestResource.FOREIGN_VM)), EventCatalog.PVE_OPERATION_FAILED);
        assertEquals("not-owned", refused.failure());
    }

    private void forgetHandled(String eventId) throws Exception {
        try (var c = dataSource.getConnection();
             var ps = c.prepareStatement("DELETE FROM processed_event WHERE event_id = ?")) {
            ps.setString(1, eventId);
            assertEquals(1, ps.executeUpdate(), "the inbox had recorded the command");
        }
    }

    private int leases(String holder) throws Exception {
        try (var c = dataSource.getConnection();
             var ps = c.prepareStatement("SELECT count(*) FROM vmid_lease WHERE holder = ?")) {
            ps.setString(1, holder);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
