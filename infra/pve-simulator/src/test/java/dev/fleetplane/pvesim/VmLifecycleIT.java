package dev.fleetplane.pvesim;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VmLifecycleIT {

    private static final String VM = "/nodes/pve/qemu/";
    private PveSimulator sim;
    private PveTestClient client;

    private void start(PveSimulatorBuilder b) {
        sim = b.apiToken(PveTestClient.TOKEN_ID, PveTestClient.SECRET)
                .seed(SeedVm.template(9003, "nixos-template").sized(2, 2048, 8),
                        SeedVm.vm(110, "dev").sized(4, 8192, 64).running().withTags("Dev,web"))
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
    void clone_isLockedWhileItsTaskRuns_thenUnlocked() {
        start(PveSimulator.builder().taskDuration("qmclone", Duration.ofMillis(600)));
        String upid = upid(client.post(VM + "9003/clone", "newid", "120", "name", "web1", "full", "1", "storage", "local-lvm"));
        assertTrue(upid.matches("UPID:pve:[0-9A-F]{8}:[0-9A-F]{8,9}:[0-9A-F]{8}:qmclone:9003:root@pam!fleetplane:"), upid);

        JsonNode config = client.get(VM + "120/config").data();
        assertEquals("clone", config.get("lock").asText());
        assertEquals("clone", client.get(VM + "120/status/current").data().get("lock").asText());
        JsonNode resource = find(client.get("/cluster/resources?type=vm").data(), 120);
        assertEquals("clone", resource.get("lock").asText());
        PveTestClient.Response locked = client.put(VM + "120/config", "cores", "4");
        assertEquals(500, locked.status());
        assertEquals("VM is locked (clone)\n", locked.body().get("message").asText());
        assertEquals("running", client.get("/nodes/pve/tasks/" + upid + "/status").data().get("status").asText());

        JsonNode status = client.awaitTask("pve", upid);
        assertEquals("OK", status.get("exitstatus").asText());
        assertEquals("root@pam", status.get("user").asText());
        assertEquals("fleetplane", status.get("tokenid").asText());
        JsonNode after = client.get(VM + "120/config").data();
        assertNull(after.get("lock"));
        assertNull(after.get("template"));
        assertEquals("web1", after.get("name").asText());
        assertEquals("local-lvm:vm-120-disk-0,iothread=1,size=8G", after.get("scsi0").asText());
        assertNotEquals(client.get(VM + "9003/config").data().get("net0").asText(), after.get("net0").asText(),
                "a clone gets a new MAC");
        assertNull(find(client.get("/cluster/resources?type=vm").data(), 120).get("lock"));
        PveTestClient.Response logResponse = client.get("/nodes/pve/tasks/" + upid + "/log");
        JsonNode lines = logResponse.data();
        assertEquals("TASK OK", lines.get(lines.size() - 1).get("t").asText());
        assertEquals(lines.size(), logResponse.body().get("total").asInt());
    }

    @Test
    void clone_ofTemplate_isLinkedByDefault() {
        start(PveSimulator.builder());
        client.awaitTask("pve", upid(client.post(VM + "9003/clone", "newid", "121")));
        JsonNode config = client.get(VM + "121/config").data();
        assertEquals("local-lvm:base-9003-disk-0/vm-121-disk-0,iothread=1,size=8G", config.get("scsi0").asText());
        assertEquals("Copy-of-VM-nixos-template", config.get("name").asText());
    }

    @Test
    void templateOfANixosGeneratorsImage_bootsFromVirtio0_andItsClonesResizeThere() {
        sim = PveSimulator.builder().apiToken(PveTestClient.TOKEN_ID, PveTestClient.SECRET)
                .seed(SeedVm.template(9004, "nixos-generators").withDiskInterface("virtio0"))
                .build().start();
        client = new PveTestClient(sim);
        JsonNode template = client.get(VM + "9004/config").data();
        assertEquals("order=virtio0;net0", template.get("boot").asText());
        assertEquals("local-lvm:base-9004-disk-0,iothread=1,size=8G", template.get("virtio0").asText());
        assertNull(template.get("scsi0"));

        client.awaitTask("pve", upid(client.post(VM + "9004/clone", "newid", "122", "full", "1")));
        JsonNode clone = client.get(VM + "122/config").data();
        assertEquals("order=virtio0;net0", clone.get("boot").asText());
        client.awaitTask("pve", upid(client.put(VM + "122/resize", "disk", "virtio0", "size", "32G")));
        assertEquals("local-lvm:vm-122-disk-0,iothread=1,size=32G", client.get(VM + "122/config").data()
                .get("virtio0").asText());
        JsonNode noScsi = client.awaitTask("pve", upid(client.put(VM + "122/resize", "disk", "scsi0", "size", "40G")));
        assertTrue(noScsi.get("exitstatus").asText().contains("scsi0"), noScsi.toString());
    }

    @Test
    void theExampleSeedFile_hasTheSeedsTemplate_withItsDiskAtVirtio0() {
        java.util.List<SeedVm> seeds = Seeder.readFile(java.nio.file.Path.of("../../examples/pve-seed.json"));
        SeedVm template = seeds.stream().filter(SeedVm::template).findFirst().orElseThrow();
        assertEquals(9003, template.vmid());
        assertEquals("virtio0", template.diskInterface());
        assertEquals(SeedVm.DEFAULT_DISK_INTERFACE, seeds.stream().filter(v -> v.vmid() == 110).findFirst()
                .orElseThrow().diskInterface(), "an entry without diskInterface keeps scsi0");
        PveSimulatorBuilder bad = PveSimulator.builder().apiToken(PveTestClient.TOKEN_ID, PveTestClient.SECRET)
                .seed(SeedVm.template(9005, "t").withDiskInterface("nvme0"));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> sim = bad.build().start());
        assertTrue(e.getMessage().contains("seed VM 9005: diskInterface must be a disk key"), e.getMessage());
    }

    @Test
    void clone_intoExistingVmid_isRejected() {
        start(PveSimulator.builder());
        PveTestClient.Response r = client.post(VM + "9003/clone", "newid", "110");
        assertEquals(500, r.status());
        assertEquals("unable to create VM 110: config file already exists\n", r.body().get("message").asText());
    }

    @Test
    void clone_ofMissingSource_isRejected() {
        start(PveSimulator.builder());
        PveTestClient.Response r = client.post(VM + "9999/clone", "newid", "130");
        assertEquals(500, r.status());
        assertEquals("Configuration file 'nodes/pve/qemu-server/9999.conf' does not exist\n", r.body().get("message").asText());
        assertEquals(500, client.get(VM + "130/config").status());
    }

    @Test
    void clone_withStorageOnLinkedClone_isAParameterError() {
        start(PveSimulator.builder());
        PveTestClient.Response r = client.post(VM + "9003/clone", "newid", "131", "storage", "local-lvm");
        assertEquals(400, r.status());
        assertEquals("parameter 'storage' not allowed for linked clones", r.body().get("errors").get("storage").asText());
    }

    @Test
    void config_typesFollowProxmox_andDigestMismatchIsRejected() {
        start(PveSimulator.builder());
        JsonNode config = client.get(VM + "110/config").data();
        assertTrue(config.get("cores").isInt());
        assertTrue(config.get("memory").isTextual());
        assertEquals("8192", config.get("memory").asText());
        assertTrue(config.get("agent").isTextual());
        assertEquals("dev;web", config.get("tags").asText());
        assertTrue(config.get("net0").asText().matches("virtio=BC:24:11:[0-9A-F]{2}:[0-9A-F]{2}:[0-9A-F]{2},bridge=vmbr0"));
        String digest = config.get("digest").asText();

        PveTestClient.Response ok = client.put(VM + "110/config", "cores", "2", "digest", digest);
        assertEquals(200, ok.status());
        assertTrue(ok.data().isNull());
        PveTestClient.Response stale = client.put(VM + "110/config", "cores", "8", "digest", digest);
        assertEquals(500, stale.status());
        assertEquals("checksum mismatch (file change by other user?)\n", stale.body().get("message").asText());
        assertEquals(2, client.get(VM + "110/config").data().get("cores").asInt());
    }

    @Test
    void configPost_returnsQmconfigTask_andGeneratesMacForNewNic() {
        start(PveSimulator.builder());
        String upid = upid(client.post(VM + "110/config", "net1", "virtio,bridge=vmbr1", "memory", "4096",
                "cipassword", "hunter2", "sshkeys", "ssh-ed25519%20AAAAC3NzaC1lZDI1NTE5AAAAIA%20me%40host"));
        assertTrue(upid.contains(":qmconfig:110:"), upid);
        assertEquals("OK", client.awaitTask("pve", upid).get("exitstatus").asText());
        JsonNode config = client.get(VM + "110/config").data();
        assertTrue(config.get("net1").asText().matches("virtio=BC:24:11:[0-9A-F:]{8},bridge=vmbr1"), config.get("net1").asText());
        assertEquals("4096", config.get("memory").asText());
        assertEquals("**********", config.get("cipassword").asText());
        assertEquals("ssh-ed25519%20AAAAC3NzaC1lZDI1NTE5AAAAIA%20me%40host", config.get("sshkeys").asText());
        String log = client.get("/nodes/pve/tasks/" + upid + "/log").data().toString();
        assertFalse(log.contains("hunter2"), "task log must not show the password: " + log);
    }

    @Test
    void config_rejectsBadValuesPerParameter() {
        start(PveSimulator.builder());
        PveTestClient.Response r = client.put(VM + "110/config", "cores", "many", "sshkeys", "ssh-ed25519 AAAA", "name", "not_dns!");
        assertEquals(400, r.status());
        assertEquals("type check ('integer') failed - got 'many'", r.body().get("errors").get("cores").asText());
        assertTrue(r.body().get("errors").get("sshkeys").asText().startsWith("invalid urlencoded string"));
        assertTrue(r.body().get("errors").has("name"));
    }

    @Test
    void resize_growsDisk_butShrinkIsATaskError() {
        start(PveSimulator.builder());
        String grow = upid(client.put(VM + "110/resize", "disk", "scsi0", "size", "+16G"));
        assertTrue(grow.contains(":resize:110:"), grow);
        assertEquals("OK", client.awaitTask("pve", grow).get("exitstatus").asText());
        assertEquals("local-lvm:vm-110-disk-0,iothread=1,size=80G", client.get(VM + "110/config").data().get("scsi0").asText());

        String shrink = upid(client.put(VM + "110/resize", "disk", "scsi0", "size", "10G"));
        assertEquals("shrinking disks is not supported", client.awaitTask("pve", shrink).get("exitstatus").asText());
        JsonNode log = client.get("/nodes/pve/tasks/" + shrink + "/log").data();
        assertEquals("TASK ERROR: shrinking disks is not supported", log.get(log.size() - 1).get("t").asText());

        String missing = upid(client.put(VM + "110/resize", "disk", "scsi3", "size", "+1G"));
        assertEquals("disk 'scsi3' does not exist", client.awaitTask("pve", missing).get("exitstatus").asText());
        assertEquals(400, client.put(VM + "110/resize", "disk", "scsi0", "size", "-5G").status());
    }

    @Test
    void start_ofRunningVm_isATaskError() {
        start(PveSimulator.builder());
        String upid = upid(client.post(VM + "110/status/start"));
        JsonNode status = client.awaitTask("pve", upid);
        assertEquals("stopped", status.get("status").asText());
        assertEquals("VM 110 already running", status.get("exitstatus").asText());
    }

    @Test
    void start_ofTemplate_isRejectedEarly() {
        start(PveSimulator.builder());
        PveTestClient.Response r = client.post(VM + "9003/status/start");
        assertEquals(500, r.status());
        assertEquals("you can't start a vm if it's a template\n", r.body().get("message").asText());
    }

    @Test
    void destroy_ofRunningVmFails_afterStopItRemovesTheVm() {
        start(PveSimulator.builder());
        PveTestClient.Response running = client.delete(VM + "110");
        assertEquals(500, running.status());
        assertEquals("VM 110 is running - destroy failed\n", running.body().get("message").asText());

        String stop = upid(client.post(VM + "110/status/stop"));
        assertTrue(stop.contains(":qmstop:110:"));
        assertEquals("OK", client.awaitTask("pve", stop).get("exitstatus").asText());
        assertEquals("stopped", client.get(VM + "110/status/current").data().get("status").asText());

        String destroy = upid(client.delete(VM + "110?purge=1&destroy-unreferenced-disks=1"));
        assertEquals("OK", client.awaitTask("pve", destroy).get("exitstatus").asText());
        PveTestClient.Response gone = client.get(VM + "110/config");
        assertEquals(500, gone.status());
        assertEquals("Configuration file 'nodes/pve/qemu-server/110.conf' does not exist\n", gone.body().get("message").asText());
    }

    @Test
    void template_convertsStoppedVm_andRejectsRunningOne() {
        start(PveSimulator.builder());
        // qemu-server checks under the config lock before forking: HTTP 500, no task
        PveTestClient.Response running = client.post(VM + "110/template");
        assertEquals(500, running.status());
        assertEquals("you can't convert a VM to template if VM is running\n", running.body().get("message").asText());
        client.awaitTask("pve", upid(client.post(VM + "110/status/shutdown")));
        String ok = upid(client.post(VM + "110/template"));
        assertTrue(ok.contains(":qmtemplate:110:"));
        assertEquals("OK", client.awaitTask("pve", ok).get("exitstatus").asText());
        JsonNode config = client.get(VM + "110/config").data();
        assertEquals(1, config.get("template").asInt());
        assertEquals("local-lvm:base-110-disk-0,iothread=1,size=64G", config.get("scsi0").asText());
        assertEquals(1, find(client.get("/cluster/resources?type=vm").data(), 110).get("template").asInt());
        PveTestClient.Response again = client.post(VM + "110/template");
        assertEquals(500, again.status());
        assertEquals("you can't convert a template to a template\n", again.body().get("message").asText());
    }

    @Test
    void tasks_unknownOrMalformedUpid_isA400() {
        start(PveSimulator.builder());
        PveTestClient.Response unknown = client.get("/nodes/pve/tasks/UPID:pve:00001ED0:00035693:66343A23:qmstart:100:root@pam:/status");
        assertEquals(400, unknown.status());
        assertEquals("no such task", unknown.body().get("errors").get("upid").asText());
        assertEquals(400, client.get("/nodes/pve/tasks/garbage/status").status());
    }

    @Test
    void shutdown_withRunningAgent_stopsTheGuestCleanly() {
        start(PveSimulator.builder());
        String upid = upid(client.post(VM + "110/status/shutdown", "timeout", "30"));
        assertTrue(upid.contains(":qmshutdown:110:"), upid);
        assertEquals("OK", client.awaitTask("pve", upid).get("exitstatus").asText());
        assertEquals("stopped", client.get(VM + "110/status/current").data().get("status").asText());
    }

    @Test
    void shutdown_withoutAgent_timesOut_unlessForced() {
        start(PveSimulator.builder());
        client.put(VM + "110/config", "agent", "0");
        long t0 = System.nanoTime();
        String upid = upid(client.post(VM + "110/status/shutdown", "timeout", "1"));
        assertEquals("running", client.get("/nodes/pve/tasks/" + upid + "/status").data().get("status").asText(),
                "the worker waits out its timeout");
        assertEquals("VM quit/powerdown failed - got timeout", client.awaitTask("pve", upid).get("exitstatus").asText());
        assertTrue(System.nanoTime() - t0 >= 900_000_000L, "waited about the timeout");
        assertEquals("running", client.get(VM + "110/status/current").data().get("status").asText());

        String forced = upid(client.post(VM + "110/status/shutdown", "timeout", "1", "forceStop", "1"));
        assertEquals("WARNINGS: 1", client.awaitTask("pve", forced).get("exitstatus").asText());
        assertEquals("stopped", client.get(VM + "110/status/current").data().get("status").asText());
    }

    @Test
    void shutdown_withoutAgent_worksWhenGuestsObeyAcpi() {
        start(PveSimulator.builder().acpiShutdown(true));
        client.put(VM + "110/config", "agent", "0");
        assertEquals("OK", client.awaitTask("pve", upid(client.post(VM + "110/status/shutdown", "timeout", "1")))
                .get("exitstatus").asText());
        assertEquals("stopped", client.get(VM + "110/status/current").data().get("status").asText());
    }

    @Test
    void destroy_showsTheDestroyedLockWhileItsTaskRuns() {
        start(PveSimulator.builder().taskDuration("qmdestroy", Duration.ofMillis(600)));
        client.awaitTask("pve", upid(client.post(VM + "110/status/stop")));
        String upid = upid(client.delete(VM + "110?purge=1&destroy-unreferenced-disks=1"));
        assertEquals("destroyed", find(client.get("/cluster/resources?type=vm").data(), 110).get("lock").asText());
        assertEquals("OK", client.awaitTask("pve", upid).get("exitstatus").asText());
        for (JsonNode r : client.get("/cluster/resources?type=vm").data()) {
            assertNotEquals(110, r.get("vmid").asInt(), "VM 110 is gone");
        }
    }

    @Test
    void biosOvmf_takesAnEfiDisk_andWarnsAtStartWithoutOne() {
        start(PveSimulator.builder());
        assertEquals(400, client.put(VM + "110/config", "bios", "uefi").status());
        client.awaitTask("pve", upid(client.post(VM + "110/status/stop")));
        assertEquals(200, client.put(VM + "110/config", "bios", "ovmf").status());
        JsonNode warned = client.awaitTask("pve", upid(client.post(VM + "110/status/start")));
        assertEquals("WARNINGS: 1", warned.get("exitstatus").asText());
        client.awaitTask("pve", upid(client.post(VM + "110/status/stop")));

        String upid = upid(client.post(VM + "110/config", "efidisk0", "local-lvm:1,efitype=4m,pre-enrolled-keys=0"));
        assertEquals("OK", client.awaitTask("pve", upid).get("exitstatus").asText());
        JsonNode config = client.get(VM + "110/config").data();
        assertEquals("ovmf", config.get("bios").asText());
        assertEquals("local-lvm:vm-110-disk-1,efitype=4m,pre-enrolled-keys=0,size=4M", config.get("efidisk0").asText());
        assertEquals(64L << 30, find(client.get("/cluster/resources?type=vm").data(), 110).get("maxdisk").asLong(),
                "maxdisk stays the boot disk's size");
        assertEquals("OK", client.awaitTask("pve", upid(client.post(VM + "110/status/start"))).get("exitstatus").asText());
    }

    private static JsonNode find(JsonNode resources, int vmid) {
        for (JsonNode r : resources) {
            if (r.get("vmid").asInt() == vmid) {
                return r;
            }
        }
        throw new AssertionError("no resource for VM " + vmid + " in " + resources);
    }
}
