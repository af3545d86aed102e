package dev.fleetplane.proxmox.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.proxmox.client.PveException.Failure;
import dev.fleetplane.pvesim.PveSimulator;
import dev.fleetplane.pvesim.SeedVm;
import io.quarkus.test.junit.QuarkusTest;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** nextid, create/restore, template, reboot, agent ping, storage content and upload against the HTTPS simulator. */
@QuarkusTest
class ProvisioningCallsIT {

    private static final String TOKEN = "fleetplane@pve!client";
    private static final String SECRET = "7c1d2e3f-aaaa-4bbb-8ccc-0123456789ab";
    private static final String USER = "ops@pve";
    private static final String PASSWORD = "ticket-password-42";
    private static final String BACKUP = "local:backup/vzdump-qemu-9000-2024_01_01-00_00_00.vma.zst";

    private static PveSimulator sim;
    private static ProxmoxClient pve;

    @BeforeAll
    static void start() {
        Map<String, String> archived = new LinkedHashMap<>();
        archived.put("name", "nixos-base");
        archived.put("memory", "2048");
        archived.put("cores", "2");
        archived.put("net0", "virtio=BC:24:11:00:00:01,bridge=vmbr0");
        archived.put("scsi0", "local-lvm:vm-9000-disk-0,size=8G");
        sim = PveSimulator.builder().https(true)
                .apiToken(TOKEN, SECRET)
                .user(USER, PASSWORD)
                .seed(SeedVm.template(9000, "nixos-template"), SeedVm.vm(110, "dev").running(),
                        SeedVm.vm(112, "noagent").withAgent(false).running(), SeedVm.vm(113, "tobetemplate"))
                .backupArchive(BACKUP, archived)
                .build().start();
        pve = ProxmoxClient.connect(PveConnection.of(sim.url(), TOKEN, SECRET).fingerprint(sim.fingerprint()));
    }

    @AfterAll
    static void stop() {
        if (pve != null) {
            pve.close();
        }
        if (sim != null) {
            sim.close();
        }
    }

    private static TaskStatus await(Upid upid) {
        return TaskWatch.await(pve, upid, "test", Duration.ofMillis(20), Duration.ofSeconds(30));
    }

    @Test
    void nextId_andVmidFree_followTheInventory() {
        int next = pve.nextId();
        assertEquals(100, next);
        assertTrue(pve.vmidFree(4242));
        assertFalse(pve.vmidFree(110));
    }

    @Test
    void createVm_thenItsDisksAreListedAsImages() {
        Upid upid = pve.createVm("pve", 200, Map.of("name", "made", "memory", "1024", "scsi0", "local-lvm:4",
                "net0", "virtio,bridge=vmbr0"));
        assertEquals("qmcreate", upid.type());
        assertEquals("200", upid.id());
        await(upid);
        assertEquals("made", pve.config("pve", 200).values().get("name"));
        List<StorageVolume> disks = pve.storageContent("pve", "local-lvm", "images", 200);
        assertEquals(1, disks.size());
        assertEquals("local-lvm:vm-200-disk-0", disks.get(0).volid());
        assertEquals(4L * 1024 * 1024 * 1024, disks.get(0).size());
        PveException dup = assertThrows(PveException.class, () -> pve.createVm("pve", 110, Map.of("memory", "512")));
        assertEquals(Failure.ALREADY_EXISTS, dup.failure());
        assertTrue(dup.getMessage().contains("unable to create VM 110 - VM 110 already exists on node 'pve'"), dup.getMessage());
    }

    @Test
    void restoreVm_fromBackupListedInStorageContent() {
        List<StorageVolume> backups = pve.storageContent("pve", "local", "backup", null);
        assertEquals(BACKUP, backups.get(0).volid());
        assertEquals(9000, backups.get(0).vmid());
        Upid upid = pve.restoreVm("pve", new RestoreRequest(201, BACKUP, "local-lvm", true, false, false));
        assertEquals("qmrestore", upid.type());
        await(upid);
        VmConfig config = pve.config("pve", 201);
        assertEquals("nixos-base", config.values().get("name"));
        assertFalse(config.values().get("net0").contains("BC:24:11:00:00:01"));
        PveException conflict = assertThrows(PveException.class, () -> pve.restoreVm("pve", RestoreRequest.of(110, BACKUP)));
        assertEquals(Failure.ALREADY_EXISTS, conflict.failure());
    }

    @Test
    void template_ofStoppedVm_renamesItsDisks_butARunningVmIsRefused() {
        await(pve.template("pve", 113));
        VmConfig config = pve.config("pve", 113);
        assertEquals("1", config.values().get("template"));
        assertTrue(config.values().get("scsi0").startsWith("local-lvm:base-113-disk-0"), config.values().get("scsi0"));
        PveException running = assertThrows(PveException.class, () -> pve.template("pve", 110));
        assertEquals(500, running.httpStatus());
        assertTrue(running.getMessage().contains("you can't convert a VM to template if VM is running"), running.getMessage());
    }

    @Test
    void reboot_ofRunningVm_isAQmrebootTask_ofStoppedVmIsVmNotRunning() {
        Upid upid = pve.reboot("pve", 110, 60);
        assertEquals("qmreboot", upid.type());
        assertTrue(await(upid).succeeded());
        PveException stopped = assertThrows(PveException.class, () -> pve.reboot("pve", 9000, null));
        assertEquals(Failure.VM_NOT_RUNNING, stopped.failure(), stopped.getMessage());
    }

    @Test
    void agentPing_answersWhenTheAgentRuns_andFailsTyped() {
        pve.agentPing("pve", 110);
        assertEquals(Failure.AGENT_NOT_CONFIGURED,
                assertThrows(PveException.class, () -> pve.agentPing("pve", 112)).failure());
        assertEquals(Failure.NOT_FOUND, assertThrows(PveException.class, () -> pve.agentPing("pve", 4242)).failure());
    }

    @Test
    void upload_streamsAFileIntoTheStorage_withATicketSessionToo() throws Exception {
        Path file = Files.createTempFile("fleetplane-upload-", ".qcow2");
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            Random random = new Random(7);
            byte[] chunk = new byte[1024 * 1024];
            try (OutputStream out = Files.newOutputStream(file)) {
                for (int i = 0; i < 24; i++) {
                    random.nextBytes(chunk);
                    sha.update(chunk);
                    out.write(chunk);
                }
            }
            String digest = HexFormat.of().formatHex(sha.digest());
            Upid upid = pve.upload("pve", "local", new UploadRequest("import", file, "nixos.qcow2", "sha256", digest));
            assertEquals("imgcopy", upid.type());
            assertEquals("", upid.id());
            assertTrue(await(upid).succeeded());
            StorageVolume v = pve.storageContent("pve", "local", "import", null).get(0);
            assertEquals("local:import/nixos.qcow2", v.volid());
            assertEquals(24L * 1024 * 1024, v.size());

            Upid bad = pve.upload("pve", "local", new UploadRequest("import", file, "other.qcow2", "md5",
                    "00000000000000000000000000000000"));
            PveException mismatch = assertThrows(PveException.class, () -> await(bad));
            assertEquals(Failure.TASK_FAILED, mismatch.failure());
            assertTrue(mismatch.exitStatus().startsWith("checksum mismatch"), mismatch.exitStatus());

            PveException ext = assertThrows(PveException.class,
                    () -> pve.upload("pve", "local", new UploadRequest("iso", file, "disk.qcow2", null, null)));
            assertEquals(Failure.INVALID_PARAMETER, ext.failure());
            assertEquals("wrong file extension", ext.parameterErrors().get("filename"));

            try (ProxmoxClient ticket = ProxmoxClient.connect(PveConnection.withPassword(sim.url(), USER, PASSWORD)
                    .fingerprint(sim.fingerprint()))) {
                Upid viaTicket = ticket.upload("pve", "local", new UploadRequest("iso", file, "boot.iso", null, null));
                assertTrue(TaskWatch.await(ticket, viaTicket, "test", Duration.ofMillis(20), Duration.ofSeconds(30)).succeeded());
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void termproxy_givesAPortAndTicketThatTheConsoleAccepts() throws Exception {
        TermProxy session = pve.termproxy("pve", 110, "serial0");
        assertEquals(TOKEN, session.user());
        assertEquals("vncproxy", session.upid().type());
        assertTrue(session.port() >= 5900 && session.port() <= 5999, session.toString());
        try (java.net.Socket s = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), session.port())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write((session.user() + ":" + session.ticket() + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            byte[] ok = s.getInputStream().readNBytes(2);
            assertEquals("OK", new String(ok, java.nio.charset.StandardCharsets.US_ASCII));
        }
        assertTrue(await(session.upid()).succeeded());
        assertEquals(Failure.NOT_FOUND, assertThrows(PveException.class, () -> pve.termproxy("pve", 4242, null)).failure());
    }
}
