package dev.fleetplane.events.pve;

/** Command: grow one disk to {@code size} (absolute, e.g. {@code 64G}); Proxmox never shrinks. */
public record ResizeDisk(String node, int vmid, String disk, String size) {
}
