package dev.fleetplane.events.pve;

/** The VM is stopped ({@code graceful} tells whether the guest shut itself down). */
public record VmStopped(String node, int vmid, boolean graceful, String upid) {
}
