package dev.fleetplane.events.pve;

/**
 * Command: power a VM off. {@code graceful} asks the guest (ACPI / agent shutdown) first and stops it
 * hard after {@code timeoutSeconds}.
 */
public record StopVm(String node, int vmid, boolean graceful, int timeoutSeconds) {
}
