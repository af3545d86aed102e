package dev.fleetplane.events.desired;

import java.util.List;

/** The planner refused a spec; nothing changed. Every problem is listed, not just the first. */
public record SpecRejected(String fleet, String source, String revision, List<SpecProblem> problems) {
}
