package dev.fleetplane.planner.lifecycle;

import java.time.OffsetDateTime;

/** One managed host as the planner tracks it. */
public record HostRecord(String fleet, String host, int vmid, String node, HostState state, String step,
                         String reason, String ip, String planId, HostDesired desired, OffsetDateTime startedAt,
                         OffsetDateTime readyAt, OffsetDateTime updatedAt) {
}
