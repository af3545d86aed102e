package dev.fleetplane.planner.lifecycle;

import java.util.Map;

/**
 * What the reconciler needs from the spec to drive one host, captured when its plan was applied.
 *
 * @param vmid          the VMID the spec wants (a replacement may create the VM under a new one)
 * @param diskInterface the disk {@code ResizeDisk} grows ({@code scsi0} when the spec names none)
 * @param config        optional Proxmox config keys the spec asks for ({@code bios}, {@code cpu}, {@code machine},
 *                      {@code tags}, {@code description}); null in rows written before they existed
 */
public record HostDesired(int vmid, String vmName, int cores, int memoryMb, String disk, String storage, int templateVmid,
                          String user, String rebuildCommand, String diskInterface, Map<String, String> config) {

    public String disk0() {
        return diskInterface == null || diskInterface.isBlank() ? VmConfig.DEFAULT_DISK_INTERFACE : diskInterface;
    }
}
