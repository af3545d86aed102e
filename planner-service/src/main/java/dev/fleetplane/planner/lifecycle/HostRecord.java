package dev.fleetplane.planner.lifecycle;

import dev.fleetplane.events.plans.PlannedChange;
import java.time.OffsetDateTime;

/**
 * One managed host as the planner tracks it.
 *
 * @param change    the planned change being carried out (or waiting, when Pending); its action picks the route
 * @param origin    created by fleetplane or adopted: decides where updates end
 * @param commandId the id of the command in flight, so a failure caused by it is recognised
 * @param queuedAt  when the host last became Pending; pending hosts start in this order
 */
public record HostRecord(String fleet, String host, int vmid, String node, HostState state, String step,
                         String reason, String ip, String planId, HostDesired desired, PlannedChange change,
                         HostLifecycle.Origin origin, String commandId, OffsetDateTime queuedAt,
                         OffsetDateTime startedAt, OffsetDateTime readyAt, OffsetDateTime updatedAt) {

    public String action() {
        return change == null ? null : change.action();
    }

    /** The route of the change being carried out. */
    public HostLifecycle.Route route() {
        return HostLifecycle.route(change.action(), change.attributes(), origin);
    }
}
