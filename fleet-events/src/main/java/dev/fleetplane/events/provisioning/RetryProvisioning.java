package dev.fleetplane.events.provisioning;

/**
 * Command: run a failed host's provisioning again, from the step it failed at ({@code fleetplane retry HOST}).
 *
 * @param requestedBy who asked (for the audit log), e.g. {@code fleetctl}
 */
public record RetryProvisioning(String host, String requestedBy) {
}
