package dev.fleetplane.adapter;

import static dev.fleetplane.adapter.KafkaProbe.causedBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.EventKind;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.Topics;
import dev.fleetplane.adapter.upload.ProgressSteps;
import dev.fleetplane.events.pve.CloneVm;
import dev.fleetplane.events.pve.ConvertToTemplate;
import dev.fleetplane.events.pve.ImageUploadProgress;
import dev.fleetplane.events.pve.ImageUploaded;
import dev.fleetplane.events.pve.ImportVm;
import dev.fleetplane.events.pve.UploadImage;
import dev.fleetplane.events.pve.VmCloned;
import dev.fleetplane.events.pve.VmImported;
import dev.fleetplane.events.pve.PveOperationFailed;
import dev.fleetplane.events.pve.RestoreVm;
import dev.fleetplane.events.pve.VmRestored;
import dev.fleetplane.events.pve.VmTemplated;
import dev.fleetplane.localstack.quarkus.LocalStackTestResource;
import dev.fleetplane.proxmox.client.ProxmoxClient;
import dev.fleetplane.proxmox.client.StorageVolume;
import dev.fleetplane.proxmox.client.VmConfig;
import dev.fleetplane.pvesim.PveSimulator;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The template image's paths through the adapter: a backup archive restored into a VMID the adapter allocates from its
 * range (once per command, whatever the redeliveries), then turned into a template, never onto someone else's VM; a
 * disk image uploaded (with progress, once per volume) and imported into a new VM of an allocated VMID; a smoke-test
 * clone into an allocated VMID.
 */
@QuarkusTest
@QuarkusTestResource(LocalStackTestResource.class)
@QuarkusTestResource(value = PveSimulatorTestResource.class, restrictToAnnotatedClass = true)
class RestoreAndTemplateIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String SOURCE = "/fleetplane/template-builder-it";
    private static final String CREATE = "POST /nodes/{node}/qemu";
    private static final String UPLOAD = "POST /nodes/{node}/storage/{storage}/upload";
    private static final String CONTENT = "GET /nodes/{node}/storage/{storage}/content";
    private static final long MIB = 1024 * 1024;
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


    // ------------------------------------------------------------------ upload, import, clone into an allocated VMID

    @Test
    void uploadImage_streamsWithProgress_answersTheVolume_andTheSameImageAgainIsNotUploadedTwice() throws Exception {
        PveSimulator sim = PveSimulatorTestResource.simulator();
        sim.resetCounts();
        Path image = image(5 * MIB + 123, 1);
        FleetEvent upload = send("image-up", EventCatalog.UPLOAD_IMAGE,
                new UploadImage("pve", "local", image.toString(), "nixos-up.qcow2", sha256(image)));
        ImageUploaded uploaded = reply(upload, EventCatalog.IMAGE_UPLOADED);

        assertEquals("local:import/nixos-up.qcow2", uploaded.volid());
        assertEquals(Files.size(image), uploaded.bytes());
        assertTrue(uploaded.upid().contains(":imgcopy::"), "imgcopy has an empty id: " + uploaded.upid());
        // published before the answer (own transactions, earlier commits), so all of them are in by now
        List<ImageUploadProgress> progress = events.seen(causedBy(upload, EventCatalog.IMAGE_UPLOAD_PROGRESS.type()))
                .stream().map(r -> KafkaProbe.decode(r).dataAs(EventCatalog.IMAGE_UPLOAD_PROGRESS)).toList();
        assertTrue(progress.size() >= 5 && progress.size() <= ProgressSteps.PARTS + 1, "1 MiB steps: " + progress);
        for (int i = 1; i < progress.size(); i++) {
            assertTrue(progress.get(i).bytesSent() > progress.get(i - 1).bytesSent(), progress.toString());
        }
        ImageUploadProgress last = progress.get(progress.size() - 1);
        assertEquals(Files.size(image), last.bytesSent());
        assertEquals(Files.size(image), last.bytesTotal());
        assertEquals("nixos-up.qcow2", last.filename());
        StorageVolume stored = pve.storageContent("pve", "local", "import", null).stream()
                .filter(v -> v.volid().equals(uploaded.volid())).findFirst().orElseThrow();
        assertEquals(Files.size(image), stored.size());

        FleetEvent again = send("image-up", EventCatalog.UPLOAD_IMAGE,
                new UploadImage("pve", "local", image.toString(), "nixos-up.qcow2", sha256(image)));
        ImageUploaded second = reply(again, EventCatalog.IMAGE_UPLOADED);
        assertEquals(uploaded.volid(), second.volid());
        assertEquals(uploaded.bytes(), second.bytes());
        assertNull(second.upid(), "no task: nothing was uploaded");
        assertEquals(1, sim.requestCount(UPLOAD), "uploaded once");
    }

    @Test
    void uploadWithAWrongChecksum_failsAsProxmoxReportsIt_andLeavesNoVolume() throws Exception {
        Path image = image(MIB, 2);
        FleetEvent upload = send("image-sum", EventCatalog.UPLOAD_IMAGE, new UploadImage("pve", "local",
                image.toString(), "nixos-sum.raw", sha256(image(MIB, 3))));
        PveOperationFailed failed = reply(upload, EventCatalog.PVE_OPERATION_FAILED);

        assertEquals("upload", failed.operation());
        assertEquals("task-failed", failed.failure());
        assertTrue(failed.upid().contains(":imgcopy::"), failed.upid());
        String told = failed.message() + " " + failed.exitStatus() + " " + failed.logTail();
        assertTrue(told.contains("checksum mismatch"), told);
        assertFalse(told.contains(PveSimulatorTestResource.SECRET));
        assertTrue(pve.storageContent("pve", "local", "import", null).stream()
                .noneMatch(v -> v.volid().equals("local:import/nixos-sum.raw")));
    }

    @Test
    void uploadWithBadFields_isRefusedBeforeAnyCall_namingEach() {
        PveSimulator sim = PveSimulatorTestResource.simulator();
        sim.resetCounts();
        PveOperationFailed refused = reply(send("image-bad", EventCatalog.UPLOAD_IMAGE, new UploadImage("pve",
                "local", "relative/image.qcow2", "image.iso", "abc")), EventCatalog.PVE_OPERATION_FAILED);
        assertEquals("invalid-parameter", refused.failure());
        assertTrue(refused.message().contains("path 'relative/image.qcow2' is not an absolute path"), refused.message());
        assertTrue(refused.message().contains("filename 'image.iso' must end in .qcow2, .raw, .vmdk or .ova"),
                refused.message());
        assertTrue(refused.message().contains("sha256 'abc' is not 64 hex digits"), refused.message());

        PveOperationFailed missing = reply(send("image-bad", EventCatalog.UPLOAD_IMAGE, new UploadImage("pve",
                "local", "/nonexistent/image.qcow2", "sub/image.qcow2", null)), EventCatalog.PVE_OPERATION_FAILED);
        assertTrue(missing.message().contains("path '/nonexistent/image.qcow2' is not a readable regular file"),
                missing.message());
        assertTrue(missing.message().contains("filename 'sub/image.qcow2' must not contain '/'"), missing.message());
        assertEquals(0, sim.requestCount(UPLOAD) + sim.requestCount(CONTENT), "refused before any call");
    }

    @Test
    void importVm_fromAnUploadedImage_getsAVmidFromTheRange_aDiskOfTheImagesSize_andMayBecomeATemplate()
            throws Exception {
        Path image = image(8 * MIB, 4);
        ImageUploaded uploaded = reply(send("image-imp", EventCatalog.UPLOAD_IMAGE, new UploadImage("pve", "local",
                image.toString(), "nixos-imp.raw", null)), EventCatalog.IMAGE_UPLOADED);
        FleetEvent importVm = send("image-imp", EventCatalog.IMPORT_VM, new ImportVm("pve", null, "nixos-candidate",
                uploaded.volid(), "local-lvm", "scsi0", Map.of("net0", "virtio,bridge=vmbr0", "agent", "1",
                "serial0", "socket", "boot", "order=scsi0", "memory", "2048")));
        VmImported imported = reply(importVm, EventCatalog.VM_IMPORTED);

        assertTrue(imported.vmid() >= 9000 && imported.vmid() <= 9099, "from the range: " + imported.vmid());
        assertEquals(uploaded.volid(), imported.importFrom());
        assertTrue(imported.upid().contains(":qmcreate:" + imported.vmid() + ":"), imported.upid());
        VmConfig config = pve.config("pve", imported.vmid());
        assertEquals("nixos-candidate", config.get("name").orElseThrow());
        assertEquals(8 * MIB, config.diskBytes("scsi0").orElseThrow(), config.get("scsi0").orElseThrow());
        assertEquals("socket", config.get("serial0").orElseThrow());
        assertEquals(0, leases(importVm.id()), "the VM holds its VMID now");

        VmTemplated templated = reply(send("image-imp", EventCatalog.CONVERT_TO_TEMPLATE,
                new ConvertToTemplate("pve", imported.vmid())), EventCatalog.VM_TEMPLATED);
        assertTrue(templated.upid().contains(":qmtemplate:" + imported.vmid() + ":"), "ours: " + templated.upid());
    }

    @Test
    void importVm_ofAMissingVolume_failsNamingIt_andLeavesNoVmNorClaim() throws Exception {
        FleetEvent importVm = send("image-gone", EventCatalog.IMPORT_VM, new ImportVm("pve", 0, "gone",
                "local:import/gone.qcow2", "local-lvm", "virtio0", Map.of()));
        PveOperationFailed failed = reply(importVm, EventCatalog.PVE_OPERATION_FAILED);

        assertEquals("import", failed.operation());
        String told = failed.message() + " " + failed.exitStatus() + " " + failed.logTail();
        assertTrue(told.contains("local:import/gone.qcow2"), told);
        int vmid = failed.vmid();
        assertTrue(vmid >= 9000 && vmid <= 9099, "allocated: " + vmid);
        assertTrue(pve.clusterVms().stream().noneMatch(v -> v.vmid() == vmid), "Proxmox removed the failed create");
        assertEquals(0, leases(importVm.id()), "reservation released");
        assertEquals(0, claims(importVm.id()), "claim released");
    }

    @Test
    void importVm_withDrivesInItsConfig_isRefusedBeforeAnyCall_namingEach() {
        PveOperationFailed refused = reply(send("image-drive", EventCatalog.IMPORT_VM, new ImportVm("pve", 0, "x",
                "local:import/x.qcow2", "local-lvm", "nvme0", Map.of("scsi1", "local-lvm:4", "efidisk0",
                "local-lvm:1", "ide2", "local-lvm:cloudinit"))), EventCatalog.PVE_OPERATION_FAILED);
        assertEquals("invalid-parameter", refused.failure());
        assertTrue(refused.message().contains("diskKey 'nvme0'"), refused.message());
        assertTrue(refused.message().contains("config key 'scsi1' is a drive"), refused.message());
        assertTrue(refused.message().contains("config key 'efidisk0' is a drive"), refused.message());
        assertFalse(refused.message().contains("'ide2'"), "ide2 is allowed: " + refused.message());
    }

    @Test
    void cloneWithVmid0_getsOneFromTheRange() throws Exception {
        FleetEvent clone = send("smoke-probe", EventCatalog.CLONE_VM,
                new CloneVm("pve", PveSimulatorTestResource.TEMPLATE, 0, "smoke-probe", null, false));
        VmCloned cloned = reply(clone, EventCatalog.VM_CLONED);

        assertTrue(cloned.vmid() >= 9000 && cloned.vmid() <= 9099, "from the range: " + cloned.vmid());
        assertNotEquals(PveSimulatorTestResource.TEMPLATE, cloned.vmid());
        assertEquals("smoke-probe", pve.config("pve", cloned.vmid()).get("name").orElseThrow());
        assertEquals(0, leases(clone.id()), "the VM holds its VMID now");
        assertEquals(1, claims(clone.id()), "owned, so DestroyVm will accept it");
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

    private int claims(String commandId) throws Exception {
        try (var c = dataSource.getConnection();
             var ps = c.prepareStatement("SELECT count(*) FROM vm_ownership WHERE command_id = ?")) {
            ps.setString(1, commandId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** A file of {@code bytes} seeded pseudo-random bytes (same seed, same content), deleted when the JVM exits. */
    private static Path image(long bytes, long seed) throws IOException {
        Path file = Files.createTempFile("fleetplane-image-", ".img");
        file.toFile().deleteOnExit();
        Random random = new Random(seed);
        byte[] chunk = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = bytes; left > 0; left -= chunk.length) {
                random.nextBytes(chunk);
                out.write(chunk, 0, (int) Math.min(chunk.length, left));
            }
        }
        return file;
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            in.transferTo(new DigestOutputStream(OutputStream.nullOutputStream(), digest));
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
