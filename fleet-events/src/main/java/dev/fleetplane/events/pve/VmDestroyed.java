package dev.fleetplane.events.pve;

/** The VM and its disks are gone. */
public record VmDestroyed(String node, int vmid, String upid) {
}
