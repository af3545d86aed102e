package dev.fleetplane.events.plans;

import java.util.List;

/** A plan: immutable, computed from one spec version and one inventory observation. */
public record PlanComputed(String planId, String fleet, long specVersion, String inventoryDigest,
                           List<PlannedChange> changes, int toAdd, int toChange, int toDestroy, int toAdopt,
                           String text) {
}
