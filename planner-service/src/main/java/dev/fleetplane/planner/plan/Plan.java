package dev.fleetplane.planner.plan;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetplane.events.desired.SpecProblem;
import dev.fleetplane.events.plans.PlannedChange;
import dev.fleetplane.events.pve.ObservedVm;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * A stored plan: immutable once computed; {@code appliedAt} records its approval.
 *
 * @param origin       {@code spec} (computed when its spec version was accepted) or {@code request} (a fresh
 *                     plan someone asked for: {@code POST /api/v1/plans}, online {@code fleetplane plan})
 * @param json         the machine face, shaped after Terraform's JSON plan
 * @param appliedHosts the hosts the apply took (all changed hosts, or those --target / --exclude left); null until applied
 */
public record Plan(String id, String fleet, long specVersion, String inventoryDigest, List<ObservedVm> inventory,
                   List<PlannedChange> changes, List<SpecProblem> errors, String text, JsonNode json, String origin,
                   int toAdd, int toChange, int toDestroy, int toAdopt, int toForget, OffsetDateTime computedAt,
                   OffsetDateTime appliedAt, String approvedBy, List<String> appliedHosts) {

    public static final String ORIGIN_SPEC = "spec";
    public static final String ORIGIN_REQUEST = "request";

    public boolean applied() {
        return appliedAt != null;
    }
}
