package dev.fleetplane.events.pve;

import java.util.List;

/** One VM or template as {@code /cluster/resources?type=vm} shows it. */
public record ObservedVm(int vmid, String name, String node, String status, boolean template, int cores,
                         long memoryBytes, long diskBytes, List<String> tags) {
}
