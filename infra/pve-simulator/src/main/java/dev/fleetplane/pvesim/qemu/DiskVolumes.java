package dev.fleetplane.pvesim.qemu;

import dev.fleetplane.pvesim.storage.VmDiskVolumes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The VM disks the configs reference: per storage (templates' {@code base-} disks and cloud-init drives included), and
 * per VM the storage of each disk (what privilege checks on resize and clone look at).
 */
public final class DiskVolumes implements VmDiskVolumes {

    private static final Pattern VM_VOLUME = Pattern.compile("(?:.*/)?(?:vm|base)-(\\d+)-(?:disk-\\d+|cloudinit)");
    private static final long CLOUDINIT_BYTES = 4L * 1024 * 1024;

    private final Inventory inventory;

    public DiskVolumes(Inventory inventory) {
        this.inventory = inventory;
    }

    @Override
    public List<DiskVolume> on(String node, String storage) {
        List<DiskVolume> out = new ArrayList<>();
        synchronized (inventory) {
            for (QemuVm vm : inventory.vms()) {
                if (!vm.node().equals(node)) {
                    continue;
                }
                for (String key : vm.diskKeys()) {
                    String value = vm.config().get(key).toString();
                    String volid = PropertyString.parse(value, "file").get("file");
                    boolean cloudinit = value.contains("cloudinit");
                    if (volid == null || !volid.startsWith(storage + ":") || (QemuVm.isCdrom(value) && !cloudinit)) {
                        continue;
                    }
                    Matcher m = VM_VOLUME.matcher(volid.substring(storage.length() + 1));
                    out.add(new DiskVolume(volid, cloudinit ? CLOUDINIT_BYTES : QemuVm.diskBytes(value),
                            m.matches() ? Integer.parseInt(m.group(1)) : vm.vmid()));
                }
            }
        }
        return out;
    }

    /** Disk key to storage id of a VM's disks (cdroms and volumes without a storage left out); empty without the VM. */
    public Map<String, String> storagesOf(int vmid) {
        Map<String, String> out = new LinkedHashMap<>();
        synchronized (inventory) {
            QemuVm vm = inventory.find(vmid);
            if (vm == null) {
                return out;
            }
            vm.config().forEach((key, value) -> {
                String v = String.valueOf(value);
                if (key.matches("(ide|sata|scsi|virtio)\\d+|efidisk0|tpmstate0") && !v.contains("media=cdrom")
                        && v.indexOf(':') > 0) {
                    out.put(key, v.substring(0, v.indexOf(':')));
                }
            });
        }
        return out;
    }
}
