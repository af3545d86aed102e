package dev.fleetplane.adapter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.adapter.configure.ConfigPlan;
import dev.fleetplane.adapter.destroy.DestroyHandler;
import dev.fleetplane.adapter.disk.ResizeRule;
import dev.fleetplane.adapter.inventory.ConfigCache;
import dev.fleetplane.adapter.inventory.ConfigRefresh;
import dev.fleetplane.adapter.inventory.InventoryDigest;
import dev.fleetplane.adapter.task.PendingTask;
import dev.fleetplane.adapter.task.TaskVerdict;
import dev.fleetplane.events.pve.ObservedVm;
import dev.fleetplane.proxmox.client.ClusterVm;
import dev.fleetplane.proxmox.client.TaskStatus;
import dev.fleetplane.proxmox.client.VmConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rules behind resize, stop/destroy answers, configure keys and the cheap inventory; pure. */
class CommandRulesTest {

    private static final String MAC = "BC:24:11:0A:0B:0C";
    private static final VmConfig CURRENT = new VmConfig(Map.of("scsi0", "local-lvm:vm-111-disk-0,iothread=1,size=64G",
            "ide2", "local-lvm:vm-111-cloudinit,media=cdrom", "net0", "virtio=" + MAC + ",bridge=vmbr0",
            "boot", "order=scsi0;net0"));

    // ------------------------------------------------------------------ configure

    @Test
    void configure_unknownKeys_areRefusedByName_andBadValuesNamed() {
        List<String> problems = ConfigPlan.problems(Map.of("bios", "uefi", "hostpci0", "0000:01:00", "args", "-x",
                "memory", "2048", "tags", "ok;bad tag!"));
        String all = String.join(" | ", problems);
        assertTrue(all.contains("unknown config keys 'args', 'hostpci0'"), all);
        assertTrue(all.contains("extra bios 'uefi' is not seabios or ovmf"), all);
        assertTrue(all.contains("extra key 'memory' is not allowed (use the typed field)"), all);
        assertTrue(all.contains("extra tags"), all);
        assertEquals(List.of(), ConfigPlan.problems(Map.of("name", "web-1", "cpu", "host", "bios", "ovmf",
                "machine", "q35", "tags", "fleetplane,web", "description", "x", "agent", "1", "net0",
                "virtio,bridge=vmbr0", "serial0", "socket", "onboot", "1")));
    }

    @Test
    void configure_tagsAreSemicolonJoined_andTypedFieldsAlwaysWritten() {
        ConfigPlan plan = ConfigPlan.of(4, 8192, Map.of("tags", "fleetplane, web;web db"), null);
        assertEquals("fleetplane;web;db", plan.values().get("tags"));
        assertEquals("4", plan.values().get("cores"));
        assertEquals("8192", plan.values().get("memory"));
        assertEquals(List.of("cores", "memory", "tags"), plan.keys());
        assertFalse(plan.allocatesStorage());
    }

    @Test
    void configure_net0_isWrittenWhenAbsent_keptWhenSame_andKeepsItsMacOnAnotherBridge() {
        VmConfig none = new VmConfig(Map.of());
        assertEquals("virtio,bridge=vmbr0", ConfigPlan.of(1, 512, Map.of("net0", "virtio,bridge=vmbr0"), none).values().get("net0"));
        ConfigPlan same = ConfigPlan.of(1, 512, Map.of("net0", "virtio,bridge=vmbr0"), CURRENT);
        assertFalse(same.values().containsKey("net0"), "an equal NIC is not rewritten (a rewrite would change the MAC)");
        assertTrue(same.keys().contains("net0"));
        assertEquals("virtio=" + MAC + ",bridge=vmbr1",
                ConfigPlan.of(1, 512, Map.of("net0", "model=virtio,bridge=vmbr1"), CURRENT).values().get("net0"));
    }

    @Test
    void configure_ovmf_addsAnEfiDiskOnTheBootDisksStorage_onlyWhenAbsent() {
        ConfigPlan plan = ConfigPlan.of(2, 2048, Map.of("bios", "ovmf"), CURRENT);
        assertEquals("local-lvm:1,efitype=4m,pre-enrolled-keys=0", plan.values().get("efidisk0"));
        assertTrue(plan.allocatesStorage());
        assertTrue(plan.keys().contains("efidisk0"));

        Map<String, String> withEfi = new HashMap<>(CURRENT.values());
        withEfi.put("efidisk0", "local-lvm:vm-111-disk-1,efitype=4m,size=4M");
        ConfigPlan again = ConfigPlan.of(2, 2048, Map.of("bios", "ovmf"), new VmConfig(withEfi));
        assertFalse(again.values().containsKey("efidisk0"));
        assertFalse(again.allocatesStorage());

        var e = assertThrows(IllegalArgumentException.class,
                () -> ConfigPlan.of(2, 2048, Map.of("bios", "ovmf"), new VmConfig(Map.of())));
        assertTrue(e.getMessage().contains("bios ovmf needs an efidisk0"), e.getMessage());
        assertTrue(ConfigPlan.needsCurrentConfig(Map.of("bios", "ovmf")));
        assertFalse(ConfigPlan.needsCurrentConfig(Map.of("bios", "seabios", "cpu", "host")));
    }

    // ------------------------------------------------------------------ resize

    @Test
    void resize_shrinkIsRefused_equalIsDone_growIsGrow() {
        var shrink = assertInstanceOf(ResizeRule.Verdict.Refused.class, ResizeRule.judge(111, "scsi0", "32G", CURRENT));
        assertEquals("invalid-parameter", shrink.failure());
        assertTrue(shrink.message().contains("shrinking disk 'scsi0' of VM 111 from 64G to 32G is refused"), shrink.message());
        assertInstanceOf(ResizeRule.Verdict.AlreadyThere.class, ResizeRule.judge(111, "scsi0", "65536M", CURRENT));
        assertEquals(new ResizeRule.Verdict.Grow(64L << 30, 80L << 30), ResizeRule.judge(111, "scsi0", "80G", CURRENT));
        assertEquals("not-found", assertInstanceOf(ResizeRule.Verdict.Refused.class,
                ResizeRule.judge(111, "virtio0", "80G", CURRENT)).failure());
    }

    @Test
    void resize_fieldsMustBeADiskKeyAndAnAbsolutePositiveSize() {
        assertTrue(ResizeRule.fieldProblem("scsi0", "+10G").orElseThrow().contains("not an absolute size"));
        assertTrue(ResizeRule.fieldProblem("scsi0", "0G").orElseThrow().contains("more than zero"));
        assertTrue(ResizeRule.fieldProblem("sda", "10G").orElseThrow().contains("disk 'sda' is not a Proxmox disk key"));
        assertTrue(ResizeRule.fieldProblem("virtio0", "1.5T").isEmpty());
    }

    // ------------------------------------------------------------------ inventory

    private static ClusterVm vm(int vmid, String status, boolean template, int cpu, String lock) {
        return new ClusterVm("qemu/" + vmid, "qemu", vmid, "vm" + vmid, "pve", status, template, cpu, 2L << 30,
                20L << 30, List.of("b", "a"), lock);
    }

    @Test
    void configRefresh_readsNewAndChangedVmsAndTemplates_neverLockedOnes() {
        Instant now = Instant.now();
        ClusterVm same = vm(101, "running", false, 2, null);
        ClusterVm changed = vm(102, "running", false, 4, null);
        ClusterVm old = vm(103, "stopped", false, 2, null);
        Map<Integer, ConfigCache.Entry> cache = Map.of(
                101, new ConfigCache.Entry(101, "pve", ConfigRefresh.fingerprint(same), Map.of("cores", "2"), now),
                102, new ConfigCache.Entry(102, "pve", ConfigRefresh.fingerprint(vm(102, "running", false, 2, null)),
                        Map.of(), now),
                103, new ConfigCache.Entry(103, "pve", ConfigRefresh.fingerprint(old), Map.of(), now.minusSeconds(7200)));
        ClusterVm template = vm(9003, "stopped", true, 1, null);
        ClusterVm cachedTemplate = vm(9004, "stopped", true, 1, null);
        Map<Integer, ConfigCache.Entry> withTemplate = new java.util.HashMap<>(cache);
        withTemplate.put(9004, new ConfigCache.Entry(9004, "pve", ConfigRefresh.fingerprint(cachedTemplate),
                Map.of("virtio0", "local-lvm:base-9004-disk-0,size=8G"), now));
        var sources = ConfigRefresh.decide(List.of(same, changed, old, vm(104, "stopped", false, 1, null),
                template, cachedTemplate, vm(105, "stopped", false, 1, "clone")), withTemplate, now, Duration.ofHours(1));
        assertEquals(Map.of(101, ConfigRefresh.Source.CACHE, 102, ConfigRefresh.Source.READ, 103, ConfigRefresh.Source.READ,
                104, ConfigRefresh.Source.READ, 9003, ConfigRefresh.Source.READ, 9004, ConfigRefresh.Source.CACHE,
                105, ConfigRefresh.Source.NONE), sources, "a template's boot disk is what its clones grow");
        assertNotEquals(ConfigRefresh.fingerprint(same), ConfigRefresh.fingerprint(vm(101, "running", false, 2, "backup")));
    }

    @Test
    void inventory_carriesLockAndConfig_andTheDigestSeesComparedKeysOnly() {
        List<ClusterVm> guests = List.of(vm(101, "running", false, 2, "backup"));
        Map<String, String> config = new HashMap<>(Map.of("cores", "2", "bios", "seabios", "cipassword", "**********",
                "digest", "aaa", "scsi0", "local-lvm:vm-101-disk-0,size=20G"));
        List<ObservedVm> vms = InventoryDigest.observed(guests, Map.of(101, Map.copyOf(config)));
        assertEquals("backup", vms.get(0).lock());
        assertEquals("seabios", vms.get(0).config().get("bios"));
        assertEquals(Map.of("cores", "2", "bios", "seabios", "scsi0", "local-lvm:vm-101-disk-0,size=20G"), vms.get(0).config(),
                "only the compared keys are published");
        String digest = InventoryDigest.digest(vms);

        config.put("digest", "bbb");
        config.put("cipassword", "changed");
        assertEquals(digest, InventoryDigest.digest(InventoryDigest.observed(guests, Map.of(101, Map.copyOf(config)))),
                "keys the planner does not compare leave the digest alone");
        config.put("bios", "ovmf");
        assertNotEquals(digest, InventoryDigest.digest(InventoryDigest.observed(guests, Map.of(101, Map.copyOf(config)))));
        assertNotEquals(digest, InventoryDigest.digest(InventoryDigest.observed(guests, Map.of())),
                "a VM without config digests differently from one with");
        assertNotEquals(digest, InventoryDigest.digest(InventoryDigest.observed(List.of(vm(101, "running", false, 2, null)),
                Map.of(101, Map.copyOf(config)))));
    }

    // ------------------------------------------------------------------ tasks

    @Test
    void taskVerdict_destroyOfAVanishedVm_isSuccess() {
        PendingTask t = new PendingTask(1, "UPID:pve:00001ED0:00035693:66343A23:qmdestroy:111:fleetplane@pve!adapter:",
                "pve", 111, "destroy", "e1", "fleetplane.vm.destroy-requested.v1", "web-1", "web-1", "c1", Map.of(),
                Instant.now().plusSeconds(60), Instant.now());
        TaskStatus gone = new TaskStatus("u", "pve", "qmdestroy", "111", "fleetplane@pve", "adapter", "stopped",
                "Configuration file 'nodes/pve/qemu-server/111.conf' does not exist");
        assertInstanceOf(TaskVerdict.Succeeded.class, TaskVerdict.of(t, gone, List.of(), Instant.now(), DestroyHandler::alreadyGone));
        TaskStatus locked = new TaskStatus("u", "pve", "qmdestroy", "111", "fleetplane@pve", "adapter", "stopped",
                "VM is locked (backup)");
        assertInstanceOf(TaskVerdict.Failed.class, TaskVerdict.of(t, locked, List.of(), Instant.now(), DestroyHandler::alreadyGone));
    }
}
