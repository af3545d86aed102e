package dev.fleetplane.plancore.inventory;

import dev.fleetplane.events.pve.ObservedVm;
import dev.fleetplane.plancore.spec.VmAttribute;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an observed VM says about each {@link VmAttribute}, as text in the spec's terms: cores = maxcpu,
 * memory = maxmem in MiB, disk = maxdisk as a size, name, tags; and, only when the adapter read the VM's
 * {@code /config}, bios, cpuType, machine, onBoot, diskInterface, storage and description. An attribute that is
 * not in the map is unknown and must not be called drift. Pure.
 */
public final class ObservedAttributes {

    private static final Pattern DISK_KEY = Pattern.compile("(virtio|scsi|sata|ide)([0-9]{1,2})");

    private ObservedAttributes() {
    }

    /**
     * @param preferredDiskKey the spec's diskInterface: when the VM has a disk there, that is the one compared
     */
    public static Map<VmAttribute, String> of(ObservedVm vm, String preferredDiskKey) {
        Map<VmAttribute, String> out = new EnumMap<>(VmAttribute.class);
        if (vm.name() != null) {
            out.put(VmAttribute.NAME, vm.name());
        }
        out.put(VmAttribute.CORES, Integer.toString(vm.cores()));
        out.put(VmAttribute.MEMORY, Long.toString(vm.memoryBytes() >> 20));
        out.put(VmAttribute.DISK, formatSize(vm.diskBytes()));
        out.put(VmAttribute.TAGS, String.join(";", vm.tags() == null ? List.of() : vm.tags()));
        Map<String, String> config = vm.config();
        if (config == null) {
            return out;
        }
        out.put(VmAttribute.BIOS, config.getOrDefault("bios", "seabios"));
        // Proxmox's defaults when the key is absent: kvm64 and the newest i440fx ("pc").
        out.put(VmAttribute.CPU_TYPE, cpuType(config.getOrDefault("cpu", "kvm64")));
        out.put(VmAttribute.MACHINE, machineType(config.getOrDefault("machine", "pc")));
        out.put(VmAttribute.DESCRIPTION, config.getOrDefault("description", ""));
        // Proxmox's default is 0; a boolean key reads back as a number, sent as 0/1.
        out.put(VmAttribute.ON_BOOT, Boolean.toString("1".equals(config.getOrDefault("onboot", "0").trim())));
        String diskKey = bootDisk(config, preferredDiskKey);
        if (diskKey != null) {
            out.put(VmAttribute.DISK_INTERFACE, diskKey);
            String volume = config.get(diskKey);
            int colon = volume.indexOf(':');
            if (colon > 0) {
                out.put(VmAttribute.STORAGE, volume.substring(0, colon));
            }
        }
        return out;
    }

    /** {@code cputype=host,flags=+aes} or {@code host,flags=+aes} → {@code host}. */
    static String cpuType(String value) {
        for (String part : value.split(",")) {
            if (part.startsWith("cputype=")) {
                return part.substring("cputype=".length());
            }
            if (!part.contains("=")) {
                return part;
            }
        }
        return value;
    }

    /** {@code q35,viommu=virtio} or {@code type=q35} → {@code q35}. */
    static String machineType(String value) {
        for (String part : value.split(",")) {
            if (part.startsWith("type=")) {
                return part.substring("type=".length());
            }
            if (!part.contains("=")) {
                return part;
            }
        }
        return value;
    }

    /**
     * The disk a VM (or a template, and so every clone of it) boots from: the first disk in {@code boot: order=},
     * else {@code bootdisk}, else the first disk by name; empty when the config has no disk.
     */
    public static java.util.Optional<String> bootDiskKey(Map<String, String> config) {
        return java.util.Optional.ofNullable(config == null ? null : bootDisk(config, null));
    }

    /** The key of the VM's main disk: the preferred one if it holds a disk, else the first in boot order. */
    static String bootDisk(Map<String, String> config, String preferred) {
        List<String> disks = new ArrayList<>();
        for (Map.Entry<String, String> e : config.entrySet()) {
            if (DISK_KEY.matcher(e.getKey()).matches() && isDisk(e.getValue())) {
                disks.add(e.getKey());
            }
        }
        if (disks.isEmpty()) {
            return null;
        }
        if (preferred != null && disks.contains(preferred)) {
            return preferred;
        }
        String boot = config.getOrDefault("boot", "");
        Matcher order = Pattern.compile("order=([^,]*)").matcher(boot);
        if (order.find()) {
            for (String key : order.group(1).split(";")) {
                if (disks.contains(key)) {
                    return key;
                }
            }
        }
        String bootdisk = config.get("bootdisk");
        if (bootdisk != null && disks.contains(bootdisk)) {
            return bootdisk;
        }
        disks.sort(null);
        return disks.get(0);
    }

    private static boolean isDisk(String value) {
        return value != null && !value.contains("media=cdrom") && !value.startsWith("none");
    }

    /** Bytes as the largest whole unit: {@code 34359738368} → {@code 32G}. */
    public static String formatSize(long bytes) {
        String[] units = {"T", "G", "M", "K"};
        int[] shifts = {40, 30, 20, 10};
        for (int i = 0; i < units.length; i++) {
            long unit = 1L << shifts[i];
            if (bytes >= unit && bytes % unit == 0) {
                return (bytes / unit) + units[i];
            }
        }
        return Long.toString(bytes);
    }
}
