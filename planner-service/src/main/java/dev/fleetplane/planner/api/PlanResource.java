package dev.fleetplane.planner.api;

import dev.fleetplane.events.desired.SpecProblem;
import dev.fleetplane.events.plans.PlannedChange;
import dev.fleetplane.messaging.Database;
import dev.fleetplane.planner.plan.Plan;
import dev.fleetplane.planner.plan.PlanApproval;
import dev.fleetplane.planner.plan.PlanStore;
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
import java.util.List;

/** Plans: read them, list them by spec version, apply one. */
@Path("/api/v1/plans")
@Produces(MediaType.APPLICATION_JSON)
public class PlanResource {

    @Inject
    Database database;

    @Inject
    PlanStore plans;

    @Inject
    PlanApproval approval;

    /** A plan as the CLI shows it. */
    public record PlanView(String id, String fleet, long specVersion, String inventoryDigest,
                           List<PlannedChange> changes, List<SpecProblem> errors, int toAdd, int toChange,
                           int toDestroy, int toAdopt, String text, OffsetDateTime computedAt,
                           OffsetDateTime appliedAt, String approvedBy, String status) {

        static PlanView of(Plan p) {
            String status = p.applied() ? "applied" : p.errors().isEmpty() ? "pending-approval" : "failed";
            return new PlanView(p.id(), p.fleet(), p.specVersion(), p.inventoryDigest(), p.changes(), p.errors(),
                    p.toAdd(), p.toChange(), p.toDestroy(), p.toAdopt(), p.text(), p.computedAt(), p.appliedAt(),
                    p.approvedBy(), status);
        }
    }

    @GET
    @Path("/{id}")
    public PlanView get(@PathParam("id") String id) {
        return database.read(c -> plans.find(c, id, false)).map(PlanView::of)
                .orElseThrow(() -> new ApiException(404, "no plan " + id));
    }

    @GET
    public List<PlanView> list(@QueryParam("specVersion") Long specVersion, @QueryParam("limit") Integer limit) {
        int n = limit == null ? 50 : limit;
        if (n < 1 || n > 1000) {
            throw new ApiException(400, "limit must be between 1 and 1000, got " + n);
        }
        return database.read(c -> plans.list(c, specVersion, n)).stream().map(PlanView::of).toList();
    }

    @POST
    @Path("/{id}/apply")
    public PlanView apply(@PathParam("id") String id, @HeaderParam("X-Fleetplane-Operator") String operator) {
        String who = operator == null || operator.isBlank() ? "operator" : operator.trim();
        return PlanView.of(approval.approve(id, who));
    }
}
