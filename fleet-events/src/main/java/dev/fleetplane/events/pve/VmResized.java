package dev.fleetplane.events.pve;

/** The resize task finished: {@code disk} is now {@code size}. */
public record VmResized(String node, int vmid, String disk, String size, String upid) {
}
