package dev.fleetplane.events.pve;

/** Command: power a VM on. */
public record StartVm(String node, int vmid) {
}
