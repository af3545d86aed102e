package dev.fleetplane.events.pve;

/** The restore task finished; {@code vmid} (allocated by the adapter when the command had none) exists, unlocked. */
public record VmRestored(String node, int vmid, String archive, String upid) {
}
