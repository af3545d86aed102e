package dev.fleetplane.plancore.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.fleetplane.events.pve.ObservedVm;
import dev.fleetplane.plancore.spec.VmAttribute;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ObservedAttributesTest {

    static ObservedVm vm(Map<String, String> config) {
        return new ObservedVm(111, "web", "pve", "running", false, 2, 4096L << 20, 32L << 30, List.of("a", "b"), null,
                config);
    }

    @Test
    void resourcesAlone_giveOnlyWhatTheyKnow() {
        Map<VmAttribute, String> a = ObservedAttributes.of(vm(null), null);
        assertEquals(Map.of(VmAttribute.NAME, "web", VmAttribute.CORES, "2", VmAttribute.MEMORY, "4096",
                VmAttribute.DISK, "32G", VmAttribute.TAGS, "a;b"), a);
        assertFalse(a.containsKey(VmAttribute.BIOS), "bios is unknown without the config");
    }

    @Test
    void onBoot_isProxmoxsOnboot_falseWhenAbsent_andATemplatesBootDisk_isFirstInBootOrder() {
        assertEquals("true", ObservedAttributes.of(vm(Map.of("onboot", "1")), null).get(VmAttribute.ON_BOOT));
        assertEquals("false", ObservedAttributes.of(vm(Map.of("cores", "2")), null).get(VmAttribute.ON_BOOT));
        assertEquals(java.util.Optional.of("virtio0"), ObservedAttributes.bootDiskKey(Map.of("boot", "order=virtio0;net0",
                "virtio0", "local-lvm:base-9003-disk-0,size=8G", "ide2", "local-lvm:vm-9003-cloudinit,media=cdrom")));
        assertEquals(java.util.Optional.of("scsi0"), ObservedAttributes.bootDiskKey(Map.of("scsi0", "local-lvm:x",
                "virtio1", "local-lvm:y")), "no boot order: the first disk by name");
        assertEquals(java.util.Optional.empty(), ObservedAttributes.bootDiskKey(null), "config not read");
    }

    @Test
    void config_givesBiosCpuMachineDiskSlotStorageAndDescription() {
        Map<VmAttribute, String> a = ObservedAttributes.of(vm(Map.of("bios", "ovmf", "cpu", "cputype=host,flags=+aes",
                "machine", "q35,viommu=virtio", "boot", "order=ide2;virtio0;net0", "ide2", "local:iso/x.iso,media=cdrom",
                "virtio0", "fast:vm-111-disk-0,size=32G", "scsi1", "slow:vm-111-disk-1,size=1T",
                "description", "hello")), null);
        assertEquals("ovmf", a.get(VmAttribute.BIOS));
        assertEquals("host", a.get(VmAttribute.CPU_TYPE));
        assertEquals("q35", a.get(VmAttribute.MACHINE));
        assertEquals("virtio0", a.get(VmAttribute.DISK_INTERFACE));
        assertEquals("fast", a.get(VmAttribute.STORAGE));
        assertEquals("hello", a.get(VmAttribute.DESCRIPTION));
        assertEquals("scsi1", ObservedAttributes.of(vm(Map.of("virtio0", "fast:vm-111-disk-0",
                "scsi1", "slow:vm-111-disk-1")), "scsi1").get(VmAttribute.DISK_INTERFACE), "the spec's slot wins");
    }

    @Test
    void absentConfigKeys_meanProxmoxsDefaults() {
        Map<VmAttribute, String> a = ObservedAttributes.of(vm(Map.of()), null);
        assertEquals("seabios", a.get(VmAttribute.BIOS));
        assertEquals("kvm64", a.get(VmAttribute.CPU_TYPE));
        assertEquals("pc", a.get(VmAttribute.MACHINE));
        assertFalse(a.containsKey(VmAttribute.DISK_INTERFACE));
    }

    @Test
    void sizes_useTheLargestWholeUnit() {
        assertEquals("32G", ObservedAttributes.formatSize(32L << 30));
        assertEquals("1T", ObservedAttributes.formatSize(1L << 40));
        assertEquals("1536M", ObservedAttributes.formatSize(1536L << 20));
        assertEquals("1000", ObservedAttributes.formatSize(1000));
    }
}
