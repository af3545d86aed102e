package dev.fleetplane.planner.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetplane.events.Json;
import dev.fleetplane.events.desired.SpecProblem;
import dev.fleetplane.events.plans.PlannedChange;
import dev.fleetplane.messaging.Database;
import dev.fleetplane.messaging.access.Roles;
import dev.fleetplane.planner.PlannerConfig;
import dev.fleetplane.planner.plan.InventoryRequests;
import dev.fleetplane.planner.plan.Plan;
import dev.fleetplane.planner.plan.PlanApproval;
import dev.fleetplane.planner.plan.PlanStore;
import dev.fleetplane.planner.plan.Planning;
import dev.fleetplane.planner.plan.SpeculativePlanning;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Plans: compute a fresh one, read them (text and JSON face), list them by spec version, apply one. Plans span the
 * whole fleet: a host-scoped token may not compute or read them (403), only apply one that changes its hosts alone.
 */
@Path("/api/v1/plans")
@Produces(MediaType.APPLICATION_JSON)
public class PlanResource {

    @Inject
    Database database;

    @Inject
    PlanStore plans;

    @Inject
    PlanApproval approval;

    @Inject
    Planning planning;

    @Inject
    SpeculativePlanning speculative;

    @Inject
    PlannerConfig config;

    @Inject
    CallerAccess caller;

    /** A plan that is only shown: nothing stored, announced or applied ({@code fleetplane remove}). */
    public record SpeculativeView(String fleet, Long specVersion, String inventoryDigest, List<PlannedChange> changes,
                                  List<SpecProblem> errors, int toAdd, int toChange, int toDestroy, int toAdopt,
                                  int toForget, String text, JsonNode json, boolean speculative) {

        static SpeculativeView of(SpeculativePlanning.Speculative s) {
            var d = s.draft();
            return new SpeculativeView(s.fleet(), s.specVersion(), s.inventoryDigest(), d.changes(), d.errors(),
                    d.toAdd(), d.toChange(), d.toDestroy(), d.toAdopt(), d.toForget(), s.text(), s.json(), true);
        }
    }

    /** A plan as the CLI shows it: {@code text} reads like tofu plan, {@code json} is shaped like its JSON plan. */
    public record PlanView(String id, String fleet, long specVersion, String inventoryDigest, String origin,
                           List<PlannedChange> changes, List<SpecProblem> errors, int toAdd, int toChange,
                           int toDestroy, int toAdopt, int toForget, String text, JsonNode json,
                           OffsetDateTime computedAt, OffsetDateTime appliedAt, String approvedBy,
                           List<String> appliedHosts, String status) {

        static PlanView of(Plan p) {
            String status = p.applied() ? "applied" : p.errors().isEmpty() ? "pending-approval" : "failed";
            return new PlanView(p.id(), p.fleet(), p.specVersion(), p.inventoryDigest(), p.origin(), p.changes(),
                    p.errors(), p.toAdd(), p.toChange(), p.toDestroy(), p.toAdopt(), p.toForget(), p.text(), p.json(),
                    p.computedAt(), p.appliedAt(), p.approvedBy(), p.appliedHosts(), status);
        }
    }

    /**
     * A fresh plan of the fleet's latest spec version against a fresh inventory: {@code {"fleet": "..."}}
     * (or {@code ?fleet=}; default the configured fleet). 404 when the fleet has no spec, 504 when the
     * inventory does not come.
     */
    @RolesAllowed({Roles.CI, Roles.OPERATOR})
    @POST
    public PlanView create(@QueryParam("fleet") String fleetParam, String body) {
        caller.requireWholeFleet();
        JsonNode request = body(body);
        String fleet = fleetParam != null ? fleetParam : request.path("fleet").asText(config.spec().defaultFleet());
        if (fleet.isBlank()) {
            throw new ApiException(400, "fleet must not be empty");
        }
        return PlanView.of(refusals(() -> planning.fresh(fleet)));
    }

    /**
     * A speculative plan: {@code {"fleet": F, "spec": {evaluated hosts file}, "allowDestroy": ["web"]}}, where
     * {@code spec} defaults to the fleet's latest spec version and {@code allowDestroy} lets those hosts' VMs be
     * destroyed once they left the spec (adopted and readonly VMs are still forgotten). 200 with the plan (never
     * stored: it has no id and cannot be applied), 400 invalid body or spec ({@code details}: every problem), 404 no
     * spec, 504 no inventory.
     */
    @RolesAllowed({Roles.CI, Roles.OPERATOR})
    @POST
    @Path("/speculative")
    public SpeculativeView speculative(@QueryParam("fleet") String fleetParam, String body) {
        caller.requireWholeFleet();
        JsonNode request = body(body);
        String fleet = fleetParam != null ? fleetParam : request.path("fleet").asText(config.spec().defaultFleet());
        if (fleet.isBlank()) {
            throw new ApiException(400, "fleet must not be empty");
        }
        JsonNode spec = request.get("spec");
        if (spec != null && !spec.isNull() && !spec.isObject()) {
            throw new ApiException(400, "spec must be the evaluated hosts file (a JSON object), got "
                    + spec.getNodeType().name().toLowerCase());
        }
        List<String> allowDestroy = hosts(request, "allowDestroy", List.of());
        try {
            return SpeculativeView.of(refusals(() -> speculative.plan(fleet, spec == null || spec.isNull() ? null : spec,
                    allowDestroy)));
        } catch (SpeculativePlanning.InvalidSpecException e) {
            throw new ApiException(400, e.getMessage(), e.problems());
        }
    }

    @RolesAllowed({Roles.VIEWER, Roles.CI})
    @GET
    @Path("/{id}")
    public PlanView get(@PathParam("id") String id) {
        caller.requireWholeFleet();
        return database.read(c -> plans.find(c, id, false)).map(PlanView::of)
                .orElseThrow(() -> new ApiException(404, "no plan " + id));
    }

    @RolesAllowed({Roles.VIEWER, Roles.CI})
    @GET
    public List<PlanView> list(@QueryParam("specVersion") Long specVersion, @QueryParam("limit") Integer limit) {
        caller.requireWholeFleet();
        int n = limit == null ? 50 : limit;
        if (n < 1 || n > 1000) {
            throw new ApiException(400, "limit must be between 1 and 1000, got " + n);
        }
        return database.read(c -> plans.list(c, specVersion, n)).stream().map(PlanView::of).toList();
    }

    /**
     * Applies exactly this plan. Hosts: {@code {"target": [...], "exclude": [...]}} in the body or repeated
     * {@code target} / {@code exclude} query parameters. 404 unknown plan, 400 unknown host, 409 already
     * applied / has errors / stale (what changed is in {@code details}), 504 no inventory. A host-scoped token may
     * apply only when every host it would change is in its scope (403 otherwise); approvedBy is the token's name.
     */
    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/{id}/apply")
    public PlanView apply(@PathParam("id") String id, @HeaderParam("X-Fleetplane-Operator") String operator,
                          @QueryParam("target") List<String> targetParams,
                          @QueryParam("exclude") List<String> excludeParams, String body) {
        JsonNode request = body(body);
        List<String> targets = hosts(request, "target", targetParams);
        List<String> excludes = hosts(request, "exclude", excludeParams);
        if (!caller.scope().all()) {
            Plan plan = database.read(c -> plans.find(c, id, false)).orElseThrow(() -> new ApiException(404, "no plan " + id));
            caller.requireHosts(changedHosts(plan, targets, excludes));
        }
        String who = caller.actor(operator);
        return PlanView.of(refusals(() -> approval.approve(id, who, new PlanApproval.Selection(targets, excludes))));
    }

    /**
     * The hosts applying {@code plan} with this selection would change: the targets that are changes of the plan, or
     * every change but the excluded ones (the approval itself refuses a target the plan does not change).
     */
    static List<String> changedHosts(Plan plan, List<String> targets, List<String> excludes) {
        return plan.changes().stream().map(PlannedChange::host)
                .filter(h -> targets.isEmpty() ? !excludes.contains(h) : targets.contains(h)).distinct().toList();
    }

    private static <T> T refusals(Supplier<T> call) {
        try {
            return call.get();
        } catch (PlanApproval.RefusedException e) {
            throw new ApiException(e.status(), e.getMessage(), e.details());
        } catch (Planning.NoSpecException e) {
            throw new ApiException(404, e.getMessage());
        } catch (InventoryRequests.UnavailableException e) {
            throw new ApiException(504, e.getMessage());
        }
    }

    private static JsonNode body(String body) {
        if (body == null || body.isBlank()) {
            return Json.MAPPER.createObjectNode();
        }
        try {
            JsonNode tree = Json.MAPPER.readTree(body);
            if (!tree.isObject()) {
                throw new ApiException(400, "the body must be a JSON object, got " + tree.getNodeType().name().toLowerCase());
            }
            return tree;
        } catch (JsonProcessingException e) {
            throw new ApiException(400, "malformed JSON body: " + Json.problem(e));
        }
    }

    private static List<String> hosts(JsonNode request, String field, List<String> params) {
        List<String> out = new ArrayList<>(params == null ? List.of() : params);
        JsonNode v = request.get(field);
        if (v != null && !v.isNull()) {
            if (!v.isArray()) {
                throw new ApiException(400, field + " must be a list of host names, got " + v);
            }
            for (JsonNode h : v) {
                if (!h.isTextual() || h.asText().isBlank()) {
                    throw new ApiException(400, field + " must be a list of host names, got " + v);
                }
                out.add(h.asText());
            }
        }
        return List.copyOf(out);
    }
}
