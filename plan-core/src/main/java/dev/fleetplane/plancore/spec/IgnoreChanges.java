package dev.fleetplane.plancore.spec;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a name in {@code ignoreChangesExtra} stops the diff engine from comparing. Two vocabularies are understood:
 * fleetplane's own attribute names ({@code cpuType}, {@code memory}, ...) and the names a hosts.nix written for the
 * Terranix / {@code bpg/proxmox} seed puts there, as OpenTofu's {@code lifecycle.ignore_changes} of a
 * {@code proxmox_virtual_environment_vm} reads them ({@code cpu[0].type}, {@code memory[0].dedicated}, {@code disk},
 * {@code on_boot}, {@code timeout_clone}, ...). A bpg name is either mapped to the compared attributes it covers
 * (a whole block covers all of them: {@code cpu} = cores and cpuType, as tofu ignores the whole block) or known to
 * be something fleetplane never compares (nothing to ignore). Anything else is unknown: the validator warns. Pure.
 *
 * <p>The full table, with the reasons, is {@code docs/seed-compatibility.md}.
 */
public final class IgnoreChanges {

    /** bpg blocks and attributes that hold compared attributes; a sub-attribute not listed is not compared. */
    private static final Map<String, Set<VmAttribute>> BPG = Map.ofEntries(
            Map.entry("name", EnumSet.of(VmAttribute.NAME)),
            Map.entry("cpu", EnumSet.of(VmAttribute.CORES, VmAttribute.CPU_TYPE)),
            Map.entry("cpu.cores", EnumSet.of(VmAttribute.CORES)),
            Map.entry("cpu.type", EnumSet.of(VmAttribute.CPU_TYPE)),
            Map.entry("memory", EnumSet.of(VmAttribute.MEMORY)),
            Map.entry("memory.dedicated", EnumSet.of(VmAttribute.MEMORY)),
            Map.entry("disk", EnumSet.of(VmAttribute.DISK, VmAttribute.STORAGE, VmAttribute.DISK_INTERFACE)),
            Map.entry("disk.size", EnumSet.of(VmAttribute.DISK)),
            Map.entry("disk.datastore_id", EnumSet.of(VmAttribute.STORAGE)),
            Map.entry("disk.interface", EnumSet.of(VmAttribute.DISK_INTERFACE)),
            Map.entry("bios", EnumSet.of(VmAttribute.BIOS)),
            Map.entry("machine", EnumSet.of(VmAttribute.MACHINE)),
            Map.entry("tags", EnumSet.of(VmAttribute.TAGS)),
            Map.entry("description", EnumSet.of(VmAttribute.DESCRIPTION)),
            Map.entry("on_boot", EnumSet.of(VmAttribute.ON_BOOT)));

    /** Blocks whose sub-attributes are compared only where {@link #BPG} lists them; the rest are not compared. */
    private static final Set<String> PARTLY_COMPARED = Set.of("cpu", "memory", "disk");

    /**
     * bpg {@code proxmox_virtual_environment_vm} arguments fleetplane never compares (it sets some of them once, when
     * it creates a VM: agent, network_device, initialization), so ignoring them changes nothing.
     */
    private static final Set<String> NOT_COMPARED = Set.of(
            "acpi", "agent", "amd_sev", "audio_device", "boot_order", "cdrom", "clone", "delete_unreferenced_disks_on_destroy",
            "efi_disk", "hook_script_file_id", "hostpci", "hotplug", "initialization", "ipv4_addresses", "ipv6_addresses",
            "keyboard_layout", "kvm_arguments", "mac_addresses", "migrate", "network_device", "network_interface_names",
            "node_name", "numa", "operating_system", "pool_id", "protection", "purge_on_destroy", "reboot",
            "reboot_after_update", "rng", "scsi_hardware", "serial_device", "smbios", "started", "startup",
            "stop_on_destroy", "tablet_device", "template", "tpm_state", "usb", "vga", "virtiofs", "vm_id", "watchdog");

    private IgnoreChanges() {
    }

    /**
     * The compared attributes {@code name} stops comparing. Empty set: a known name fleetplane does not compare. Empty
     * optional: an unknown name. Where both vocabularies have the name, bpg's wins: {@code disk} is tofu's whole disk
     * block (size, storage and interface), the broader meaning, so a seed's list never lets fleetplane change more
     * than tofu would have; the other shared names ({@code name}, {@code memory}, {@code tags}, ...) mean the same.
     */
    public static Optional<Set<VmAttribute>> resolve(String name) {
        String path = bpgPath(name);
        Set<VmAttribute> mapped = BPG.get(path);
        if (mapped != null) {
            return Optional.of(EnumSet.copyOf(mapped));
        }
        Optional<VmAttribute> own = VmAttribute.byKey(name);
        if (own.isPresent()) {
            return Optional.of(EnumSet.of(own.get()));
        }
        String block = path.contains(".") ? path.substring(0, path.indexOf('.')) : path;
        if ((PARTLY_COMPARED.contains(block) && !block.equals(path)) || NOT_COMPARED.contains(block)
                || block.startsWith("timeout_")) {
            return Optional.of(EnumSet.noneOf(VmAttribute.class));
        }
        return Optional.empty();
    }

    /** Every compared attribute a list of names stops comparing (unknown names add nothing). */
    public static Set<VmAttribute> attributes(List<String> names) {
        Set<VmAttribute> out = EnumSet.noneOf(VmAttribute.class);
        for (String n : names) {
            resolve(n).ifPresent(out::addAll);
        }
        return out;
    }

    /** {@code cpu[0].type} → {@code cpu.type}: tofu's list indices say nothing here (one block of each). */
    static String bpgPath(String name) {
        return name.trim().replaceAll("\\[[0-9]+]", "").replaceAll("\\.[0-9]+(?=\\.|$)", "");
    }
}
