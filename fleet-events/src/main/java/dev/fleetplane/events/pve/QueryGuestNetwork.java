package dev.fleetplane.events.pve;

/** Command: ask the VM's QEMU guest agent for its network interfaces. */
public record QueryGuestNetwork(String node, int vmid, boolean preferIpv6) {
}
