package dev.fleetplane.events.plans;

import dev.fleetplane.events.desired.SpecProblem;
import java.util.List;

/**
 * A plan: immutable, computed from one spec version and one inventory observation. A plan with
 * {@code errors} cannot be applied; they name host and attribute like spec problems do.
 */
public record PlanComputed(String planId, String fleet, long specVersion, String inventoryDigest,
                           List<PlannedChange> changes, int toAdd, int toChange, int toDestroy, int toAdopt,
                           int toForget, List<SpecProblem> errors, String text) {
}
