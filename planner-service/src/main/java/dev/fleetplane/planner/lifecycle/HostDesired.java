package dev.fleetplane.planner.lifecycle;

import java.util.Map;

/**
 * What the reconciler needs from the spec to drive one host, captured when its plan was applied.
 *
 * @param vmid          the VMID the spec wants (a replacement may create the VM under a new one)
 * @param diskInterface the disk {@code ResizeDisk} grows: the spec's, else the template's boot disk the plan read
 *                      ({@code virtio0} for a nixos-generators image); null = the adapter grows the VM's boot disk
 *                      from its own config (a clone's is its template's)
 * @param config        Proxmox config keys of a create: the spec's ({@code bios}, {@code cpu}, {@code machine},
 *                      {@code tags}, {@code description}, {@code onboot}) with the seed's defaults, and cloud-init
 *                      ({@code ipconfig0}, {@code ciuser}, {@code sshkeys}); null in rows written before they existed
 */
public record HostDesired(int vmid, String vmName, int cores, int memoryMb, String disk, String storage, int templateVmid,
                          String user, String rebuildCommand, String diskInterface, Map<String, String> config) {

    /** The disk {@code ResizeDisk} names; null lets the adapter take the VM's boot disk. */
    public String disk0() {
        return diskInterface == null || diskInterface.isBlank() ? null : diskInterface;
    }
}
