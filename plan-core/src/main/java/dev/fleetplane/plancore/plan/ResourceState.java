package dev.fleetplane.plancore.plan;

import java.util.Map;

/**
 * One host's VM before and after the plan, as the JSON face shows them ({@code change.before} /
 * {@code change.after}); null = no VM on that side. Values are Integer, String or List of String.
 */
public record ResourceState(Map<String, Object> before, Map<String, Object> after) {
}
