package dev.fleetplane.pvesim.qemu;

import dev.fleetplane.pvesim.storage.VmDiskVolumes;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The VM disks a storage holds, read from the VM configs: disks, templates' {@code base-} disks, cloud-init drives. */
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
}
