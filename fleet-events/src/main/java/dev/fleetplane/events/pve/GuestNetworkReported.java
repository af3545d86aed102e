package dev.fleetplane.events.pve;

import java.util.List;

/**
 * The guest agent answered. {@code chosenIp} is the address of the NIC whose MAC is net0's, never
 * loopback or link-local; null when the agent answered but no usable address exists yet.
 */
public record GuestNetworkReported(String node, int vmid, String chosenIp, List<GuestAddress> addresses,
                                   String note) {
}
