package dev.fleetplane.events.pve;

/** The start task finished; the VM is running (its guest may still be booting). */
public record VmStarted(String node, int vmid, String upid) {
}
