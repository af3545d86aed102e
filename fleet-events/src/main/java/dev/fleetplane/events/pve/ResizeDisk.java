package dev.fleetplane.events.pve;

/**
 * Command: grow one disk to {@code size} (absolute, e.g. {@code 64G}); Proxmox never shrinks.
 *
 * @param disk the disk key ({@code virtio0}, {@code scsi0}, ...); null = the VM's boot disk as its config names it
 *             ({@code boot: order=}, else the first disk), which for a fresh clone is its template's. A null disk
 *             is a reading of the same v1 type (older events always name one and read as before).
 */
public record ResizeDisk(String node, int vmid, String disk, String size) {
}
