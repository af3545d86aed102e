package dev.fleetplane.events.pve;

/** The clone task finished; the VM exists and is unlocked. */
public record VmCloned(String node, int vmid, String name, int templateVmid, String upid) {
}
