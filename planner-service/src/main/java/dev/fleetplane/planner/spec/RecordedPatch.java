package dev.fleetplane.planner.spec;

import java.time.OffsetDateTime;

/**
 * One value changed by a host patch, with the spec version the patch made, who asked for it and when.
 *
 * @param requestedBy the operator ({@code X-Fleetplane-Operator}) or the event's {@code requestedBy}, else its source
 */
public record RecordedPatch(long specVersion, String requestedBy, OffsetDateTime requestedAt, PatchedValue change) {
}
