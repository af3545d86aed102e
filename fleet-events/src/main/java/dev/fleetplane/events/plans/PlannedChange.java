package dev.fleetplane.events.plans;

import java.util.List;

/**
 * What a plan will do to one host.
 *
 * @param action  {@code create}, {@code adopt}, {@code no-op} (later: update, replace, destroy, forget)
 * @param changes attribute lines, e.g. {@code cores: 2 -> 4}
 */
public record PlannedChange(String host, String action, int vmid, String node, List<String> changes) {
}
