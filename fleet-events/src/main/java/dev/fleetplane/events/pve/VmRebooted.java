package dev.fleetplane.events.pve;

/** The reboot task finished; the VM is running again (its guest may still be booting). */
public record VmRebooted(String node, int vmid, String upid) {
}
