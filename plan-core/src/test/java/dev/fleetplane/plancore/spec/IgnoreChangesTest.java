package dev.fleetplane.plancore.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IgnoreChangesTest {

    static Optional<Set<VmAttribute>> of(VmAttribute... attributes) {
        return Optional.of(attributes.length == 0 ? EnumSet.noneOf(VmAttribute.class) : EnumSet.of(attributes[0], attributes));
    }

    @Test
    void bpgNames_mapToTheAttributesTheyCover_aWholeBlockCoveringAllOfThem() {
        assertEquals(of(VmAttribute.CPU_TYPE), IgnoreChanges.resolve("cpu[0].type"));
        assertEquals(of(VmAttribute.CPU_TYPE), IgnoreChanges.resolve("cpu.0.type"));
        assertEquals(of(VmAttribute.CORES), IgnoreChanges.resolve("cpu[0].cores"));
        assertEquals(of(VmAttribute.CORES, VmAttribute.CPU_TYPE), IgnoreChanges.resolve("cpu"));
        assertEquals(of(VmAttribute.MEMORY), IgnoreChanges.resolve("memory"));
        assertEquals(of(VmAttribute.MEMORY), IgnoreChanges.resolve("memory[0].dedicated"));
        assertEquals(of(VmAttribute.DISK, VmAttribute.STORAGE, VmAttribute.DISK_INTERFACE), IgnoreChanges.resolve("disk"));
        assertEquals(of(VmAttribute.DISK), IgnoreChanges.resolve("disk[0].size"));
        assertEquals(of(VmAttribute.STORAGE), IgnoreChanges.resolve("disk[0].datastore_id"));
        assertEquals(of(VmAttribute.DISK_INTERFACE), IgnoreChanges.resolve("disk[0].interface"));
        assertEquals(of(VmAttribute.ON_BOOT), IgnoreChanges.resolve("on_boot"));
        assertEquals(of(VmAttribute.TAGS), IgnoreChanges.resolve("tags"));
        assertEquals(of(VmAttribute.DESCRIPTION), IgnoreChanges.resolve("description"));
        assertEquals(of(VmAttribute.MACHINE), IgnoreChanges.resolve("machine"));
        assertEquals(of(VmAttribute.BIOS), IgnoreChanges.resolve("bios"));
        assertEquals(of(VmAttribute.NAME), IgnoreChanges.resolve("name"));
    }

    @Test
    void bpgNames_fleetplaneNeverCompares_ignoreNothing_andAreKnown() {
        for (String name : List.of("cpu[0].architecture", "cpu[0].flags", "memory[0].floating", "disk[0].file_format",
                "agent", "agent[0].type", "efi_disk", "initialization", "network_device", "vga", "hostpci",
                "timeout_clone", "timeout_shutdown_vm", "keyboard_layout", "migrate", "reboot", "stop_on_destroy",
                "operating_system", "scsi_hardware", "virtiofs", "clone", "usb", "tpm_state", "startup")) {
            assertEquals(of(), IgnoreChanges.resolve(name), name);
        }
    }

    @Test
    void fleetplanesOwnNames_stillWork_andUnknownNamesAreUnknown() {
        assertEquals(of(VmAttribute.CPU_TYPE), IgnoreChanges.resolve("cpuType"));
        assertEquals(of(VmAttribute.ON_BOOT), IgnoreChanges.resolve("onBoot"));
        assertEquals(of(VmAttribute.DISK_INTERFACE), IgnoreChanges.resolve("diskInterface"));
        assertEquals(Optional.empty(), IgnoreChanges.resolve("network"));
        assertEquals(Optional.empty(), IgnoreChanges.resolve("cpu_type"));
        assertEquals(Optional.empty(), IgnoreChanges.resolve("cores[0]"));
    }

    @Test
    void theSeedsImportedHostList_ignoresEveryComparedAttributeButTheName() {
        // hosts.nix of the seed: proxmox-vm (vmid 104), an imported VM.
        List<String> seed = List.of("description", "tags", "keyboard_layout", "migrate", "on_boot", "reboot",
                "stop_on_destroy", "timeout_clone", "timeout_create", "timeout_migrate", "timeout_reboot",
                "timeout_shutdown_vm", "timeout_start_vm", "timeout_stop_vm", "operating_system", "cpu", "memory",
                "agent", "scsi_hardware", "network_device", "disk", "efi_disk", "machine", "vga", "initialization");
        assertEquals(EnumSet.complementOf(EnumSet.of(VmAttribute.NAME, VmAttribute.BIOS)), IgnoreChanges.attributes(seed));
        // dev (vmid 110): only the CPU type of the compared attributes.
        assertEquals(EnumSet.of(VmAttribute.CPU_TYPE), IgnoreChanges.attributes(List.of("description", "tags",
                "keyboard_layout", "migrate", "on_boot", "cpu[0].type", "agent[0].type")).stream()
                .filter(a -> a != VmAttribute.DESCRIPTION && a != VmAttribute.TAGS && a != VmAttribute.ON_BOOT)
                .collect(java.util.stream.Collectors.toCollection(() -> EnumSet.noneOf(VmAttribute.class))));
    }
}
