package dev.fleetplane.events.provisioning;

/** The host is provisioned and reachable at {@code ip}. */
public record ProvisioningSucceeded(String host, int vmid, String ip) {
}
