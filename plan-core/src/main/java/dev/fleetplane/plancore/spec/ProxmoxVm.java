package dev.fleetplane.plancore.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code proxmox} attribute set of a managed host.
 *
 * @param name              the VM name in Proxmox (defaults to the host key)
 * @param storage           target storage of the clone; empty = {@code _proxmox.defaultStorage}
 * @param cloneFromTemplate false for imported VMs: fleetplane adopts them and never clones them
 * @param other             attributes fleetplane does not interpret yet, kept as given
 */
public record ProxmoxVm(int vmid, int cores, int memoryMb, String disk, long diskBytes, String name,
                        Optional<String> storage, boolean cloneFromTemplate, Map<String, JsonNode> other) {
}
