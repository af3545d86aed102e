package dev.fleetplane.pvesim.storage;

import java.util.List;

/**
 * The VM disks on a storage. pve-storage lists them from the volumes themselves; the simulator keeps no disk images,
 * only the VM configs that name them, so the VMs' side answers ({@code pvesim.qemu} implements this).
 */
@FunctionalInterface
public interface VmDiskVolumes {

    /** The disk volumes on {@code storage} that the configs of {@code node}'s VMs reference, cdroms excluded. */
    List<DiskVolume> on(String node, String storage);

    /** @param vmid the owner named in the volume ({@code base-9003-disk-0} of a linked clone is 9003's) */
    record DiskVolume(String volid, long size, int vmid) {
    }
}
