package dev.fleetplane.pvesim;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code POST /nodes/{node}/qemu} create and restore (reference §2.14) and clone failure cleanup (§2.4). */
class CreateRestoreIT {

    private static final String NODE = "/nodes/pve/qemu";
    private static final String BACKUP = "local:backup/vzdump-qemu-9000-2024_01_01-00_00_00.vma.zst";
    private PveSimulator sim;
    private PveTestClient client;

    private static Map<String, String> archivedConfig() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("name", "nixos-base");
        c.put("cores", "2");
        c.put("memory", "2048");
        c.put("net0", "virtio=BC:24:11:00:00:01,bridge=vmbr0");
        c.put("scsi0", "local-lvm:vm-9000-disk-0,iothread=1,size=8G");
        c.put("ide2", "local-lvm:vm-9000-cloudinit,media=cdrom");
        c.put("agent", "1");
        return c;
    }

    private void start(PveSimulatorBuilder b) {
        sim = b.apiToken(PveTestClient.TOKEN_ID, PveTestClient.SECRET)
                .seed(SeedVm.template(9003, "nixos-template").sized(2, 2048, 8), SeedVm.vm(110, "dev").running())
                .backupArchive(BACKUP, archivedConfig())
                .storageVolume("local:import/nixos.qcow2", 3L * 1024 * 1024 * 1024 + 1)
                .storageVolume("local:iso/debian-12.iso", 654_311_424L)
                .build().start();
        client = new PveTestClient(sim);
    }

    @AfterEach
    void close() {
        if (sim != null) {
            sim.close();
        }
    }

    private String upid(PveTestClient.Response r) {
        assertEquals(200, r.status(), () -> "expected a UPID, got " + r.status() + " " + r.body());
        return r.data().asText();
    }

    @Test
    void create_holdsCreateLockWhileItsTaskRuns_thenHasItsDisks() {
        start(PveSimulator.builder().taskDuration("qmcreate", Duration.ofMillis(400)));
        String upid = upid(client.post(NODE, "vmid", "120", "name", "fresh", "memory", "1024", "cores", "2",
                "net0", "virtio,bridge=vmbr0", "scsi0", "local-lvm:20,iothread=1",
                "scsi1", "local-lvm:0,import-from=local:import/nixos.qcow2", "ide2", "local-lvm:cloudinit"));
        assertTrue(upid.contains(":qmcreate:120:"), upid);
        assertEquals("create", client.get(NODE + "/120/status/current").data().get("lock").asText());
        PveTestClient.Response locked = client.put(NODE + "/120/config", "cores", "4");
        assertEquals(500, locked.status());
        assertEquals("VM is locked (create)\n", locked.body().get("message").asText());

        assertEquals("OK", client.awaitTask("pve", upid).get("exitstatus").asText());
        JsonNode config = client.get(NODE + "/120/config").data();
        assertNull(config.get("lock"));
        assertEquals("local-lvm:vm-120-disk-0,iothread=1,size=20G", config.get("scsi0").asText());
        // 3 GiB + 1 byte, rounded up to whole 4 MiB extents
        assertEquals("local-lvm:vm-120-disk-1,size=3076M", config.get("scsi1").asText());
        assertEquals("local-lvm:vm-120-cloudinit,media=cdrom", config.get("ide2").asText());
        assertEquals(2, config.get("cores").asInt());
        assertTrue(config.get("net0").asText().matches("virtio=BC:24:11:[0-9A-F:]{8},bridge=vmbr0"), config.toString());

        JsonNode disks = client.get("/nodes/pve/storage/local-lvm/content?vmid=120").data();
        assertEquals(3, disks.size(), disks.toString());
        for (JsonNode d : disks) {
            assertEquals("images", d.get("content").asText());
            assertEquals(120, d.get("vmid").asInt());
        }
    }

    @Test
    void create_ofTakenVmid_isRejectedEarly() {
        start(PveSimulator.builder());
        PveTestClient.Response dup = client.post(NODE, "vmid", "110", "memory", "512");
        assertEquals(500, dup.status());
        assertEquals("unable to create VM 110 - VM 110 already exists on node 'pve'\n", dup.body().get("message").asText());
    }

    @Test
    void create_whoseImportSourceIsMissing_failsAndRemovesTheVm() {
        start(PveSimulator.builder());
        String upid = upid(client.post(NODE, "vmid", "121", "scsi0", "local-lvm:0,import-from=local:import/nope.qcow2"));
        assertEquals("volume 'local:import/nope.qcow2' does not exist", client.awaitTask("pve", upid).get("exitstatus").asText());
        PveTestClient.Response gone = client.get(NODE + "/121/config");
        assertEquals(500, gone.status());
        assertEquals("Configuration file 'nodes/pve/qemu-server/121.conf' does not exist\n", gone.body().get("message").asText());
    }

    @Test
    void create_onUnknownStorage_isRejectedEarly() {
        start(PveSimulator.builder());
        PveTestClient.Response r = client.post(NODE, "vmid", "122", "scsi0", "nas:20");
        assertEquals(500, r.status());
        assertEquals("storage 'nas' does not exist\n", r.body().get("message").asText());
        assertEquals(500, client.get(NODE + "/122/config").status());
    }

    @Test
    void restore_fromArchive_takesItsConfigOntoTheTargetStorage_withNewMacsWhenUnique() {
        start(PveSimulator.builder());
        String upid = upid(client.post(NODE, "vmid", "130", "archive", BACKUP, "storage", "local-lvm", "unique", "1",
                "name", "restored"));
        assertTrue(upid.contains(":qmrestore:130:"), upid);
        assertEquals("OK", client.awaitTask("pve", upid).get("exitstatus").asText());
        JsonNode config = client.get(NODE + "/130/config").data();
        assertEquals("restored", config.get("name").asText());
        assertEquals(2, config.get("cores").asInt());
        assertEquals("2048", config.get("memory").asText());
        assertEquals("local-lvm:vm-130-disk-0,iothread=1,size=8G", config.get("scsi0").asText());
        assertEquals("local-lvm:vm-130-cloudinit,media=cdrom", config.get("ide2").asText());
        assertNotEquals("virtio=BC:24:11:00:00:01,bridge=vmbr0", config.get("net0").asText());

        String same = upid(client.post(NODE, "vmid", "131", "archive", BACKUP));
        client.awaitTask("pve", same);
        assertEquals("virtio=BC:24:11:00:00:01,bridge=vmbr0", client.get(NODE + "/131/config").data().get("net0").asText());
    }

    @Test
    void restore_ontoTakenVmid_needsForce() {
        start(PveSimulator.builder());
        client.awaitTask("pve", upid(client.post(NODE + "/110/status/stop")));
        PveTestClient.Response dup = client.post(NODE, "vmid", "110", "archive", BACKUP);
        assertEquals(500, dup.status());
        assertEquals("unable to restore VM 110 - VM 110 already exists on node 'pve'\n", dup.body().get("message").asText());
        String upid = upid(client.post(NODE, "vmid", "110", "archive", BACKUP, "force", "1"));
        assertEquals("OK", client.awaitTask("pve", upid).get("exitstatus").asText());
        assertEquals("nixos-base", client.get(NODE + "/110/config").data().get("name").asText());
    }

    @Test
    void restore_withDriveKeys_isAParameterErrorPerDrive() {
        start(PveSimulator.builder());
        PveTestClient.Response r = client.post(NODE, "vmid", "132", "archive", BACKUP, "scsi0", "local-lvm:8");
        assertEquals(400, r.status());
        assertEquals("option conflicts with option 'archive'", r.body().get("errors").get("scsi0").asText());
    }

    @Test
    void restore_ofMissingArchive_isRejectedEarly() {
        start(PveSimulator.builder());
        PveTestClient.Response r = client.post(NODE, "vmid", "133", "archive", "local:backup/vzdump-qemu-1-2020_01_01-00_00_00.vma.zst");
        assertEquals(500, r.status());
        assertEquals("can't find file 'local:backup/vzdump-qemu-1-2020_01_01-00_00_00.vma.zst'\n", r.body().get("message").asText());
        assertEquals(500, client.get(NODE + "/133/config").status());
    }

    @Test
    void restore_thatFails_keepsTheConfigButDropsTheLock() {
        start(PveSimulator.builder().faults(f -> f.failTaskOnRun("qmrestore", 1)));
        String upid = upid(client.post(NODE, "vmid", "134", "archive", BACKUP));
        assertEquals("fault injected: qmrestore failed on run 1", client.awaitTask("pve", upid).get("exitstatus").asText());
        PveTestClient.Response config = client.get(NODE + "/134/config");
        assertEquals(200, config.status());
        assertNull(config.data().get("lock"), config.data().toString());
    }

    @Test
    void clone_thatFails_removesItsTarget() {
        start(PveSimulator.builder().faults(f -> f.failTaskOnRun("qmclone", 1)));
        String upid = upid(client.post(NODE + "/9003/clone", "newid", "140", "name", "doomed"));
        assertEquals("fault injected: qmclone failed on run 1", client.awaitTask("pve", upid).get("exitstatus").asText());
        assertEquals(500, client.get(NODE + "/140/config").status());
        assertFalse(client.get("/cluster/resources?type=vm").data().toString().contains("\"vmid\":140"));
        // the VMID is free again: a second clone into it works
        String again = upid(client.post(NODE + "/9003/clone", "newid", "140", "name", "second"));
        assertEquals("OK", client.awaitTask("pve", again).get("exitstatus").asText());
    }

    @Test
    void reboot_ofStoppedVm_isRejectedEarly_ofRunningVmIsAQmrebootTask() {
        start(PveSimulator.builder());
        String upid = upid(client.post(NODE + "/110/status/reboot", "timeout", "30"));
        assertTrue(upid.contains(":qmreboot:110:"), upid);
        assertEquals("OK", client.awaitTask("pve", upid).get("exitstatus").asText());
        client.awaitTask("pve", upid(client.post(NODE + "/110/status/stop")));
        PveTestClient.Response stopped = client.post(NODE + "/110/status/reboot");
        assertEquals(500, stopped.status());
        assertEquals("VM 110 not running\n", stopped.body().get("message").asText());
    }

    @Test
    void agentPing_answersAnEmptyResult() {
        start(PveSimulator.builder());
        PveTestClient.Response r = client.post(NODE + "/110/agent/ping");
        assertEquals(200, r.status());
        assertEquals("{\"result\":{}}", r.data().toString());
    }
}
