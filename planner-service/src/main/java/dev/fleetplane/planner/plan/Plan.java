package dev.fleetplane.planner.plan;

import dev.fleetplane.events.desired.SpecProblem;
import dev.fleetplane.events.plans.PlannedChange;
import dev.fleetplane.events.pve.ObservedVm;
import java.time.OffsetDateTime;
import java.util.List;

/** A stored plan: immutable once computed; {@code appliedAt} records its approval. */
public record Plan(String id, String fleet, long specVersion, String inventoryDigest, List<ObservedVm> inventory,
                   List<PlannedChange> changes, List<SpecProblem> errors, String text, int toAdd, int toChange,
                   int toDestroy, int toAdopt, OffsetDateTime computedAt, OffsetDateTime appliedAt,
                   String approvedBy) {

    public boolean applied() {
        return appliedAt != null;
    }
}
