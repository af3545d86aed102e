package dev.fleetplane.events.pve;

import java.util.Map;

/**
 * Command: set a VM's configuration. {@code extra} carries further Proxmox config keys as Proxmox
 * names them ({@code cpu}, {@code bios}, {@code tags}, {@code description}, ...).
 */
public record ConfigureVm(String node, int vmid, int cores, int memoryMb, Map<String, String> extra) {
}
