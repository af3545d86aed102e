package dev.fleetplane.events.provisioning;

/** A failed provisioning runs again from {@code step} ({@code fleetplane retry HOST}). */
public record ProvisioningRetried(String host, int vmid, String step, String requestedBy) {
}
