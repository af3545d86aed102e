package dev.fleetplane.events.pve;

/** The create task of an {@link ImportVm} finished; {@code vmid} exists, unlocked, its disk imported. */
public record VmImported(String node, int vmid, String importFrom, String upid) {
}
