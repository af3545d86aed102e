package dev.fleetplane.events.pve;

import java.util.List;
import java.util.Map;

/**
 * One VM or template as {@code /cluster/resources?type=vm} shows it, optionally enriched with its
 * configuration.
 *
 * @param lock   the lock Proxmox reports ({@code clone}, {@code backup}, ...), null when unlocked
 * @param config the VM's {@code /config} as Proxmox returns it (every value as a string), or null when the
 *               adapter has not read it; a planner must then not claim drift in config-only attributes
 */
public record ObservedVm(int vmid, String name, String node, String status, boolean template, int cores,
                         long memoryBytes, long diskBytes, List<String> tags, String lock,
                         Map<String, String> config) {

    /** The shape without lock and config (an inventory read from {@code /cluster/resources} alone). */
    public ObservedVm(int vmid, String name, String node, String status, boolean template, int cores,
                      long memoryBytes, long diskBytes, List<String> tags) {
        this(vmid, name, node, status, template, cores, memoryBytes, diskBytes, tags, null, null);
    }
}
