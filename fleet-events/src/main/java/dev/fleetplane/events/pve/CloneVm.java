package dev.fleetplane.events.pve;

/** Command: full clone of a template into {@code vmid} on {@code node}. */
public record CloneVm(String node, int templateVmid, int vmid, String name, String targetStorage, boolean full) {
}
