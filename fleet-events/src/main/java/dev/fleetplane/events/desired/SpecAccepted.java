package dev.fleetplane.events.desired;

import java.util.List;

/** The planner recorded a new immutable spec version. */
public record SpecAccepted(String fleet, long specVersion, String hash, String source, String revision,
                           List<String> hosts, List<SpecProblem> warnings, boolean autoApprove) {
}
