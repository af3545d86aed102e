package dev.fleetplane.events.provisioning;

/** The guest agent gave a usable address after {@code attempts} queries. */
public record IpResolved(String host, int vmid, String ip, int attempts) {
}
