package dev.fleetplane.events.plans;

import java.util.List;

/** An operator (or the push's auto-approve) approved a plan; these hosts now run. */
public record PlanApplied(String planId, String fleet, String approvedBy, List<String> hosts) {
}
