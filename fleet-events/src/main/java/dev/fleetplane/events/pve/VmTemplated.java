package dev.fleetplane.events.pve;

/** The VM is a template now ({@code upid} null when it already was). */
public record VmTemplated(String node, int vmid, String upid) {
}
