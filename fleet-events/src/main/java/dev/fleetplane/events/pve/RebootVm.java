package dev.fleetplane.events.pve;

/**
 * Command: reboot a running VM ({@code status/reboot}: the guest is asked to restart, through the agent or ACPI).
 * {@code timeoutSeconds} bounds the guest's shutdown part; 0 = Proxmox's default.
 */
public record RebootVm(String node, int vmid, int timeoutSeconds) {
}
