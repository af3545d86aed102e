package dev.fleetplane.planner.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetplane.events.desired.SpecProblem;
import dev.fleetplane.messaging.Database;
import dev.fleetplane.messaging.access.Roles;
import dev.fleetplane.planner.PlannerConfig;
import dev.fleetplane.planner.plan.PlanStore;
import dev.fleetplane.planner.power.PowerCommands;
import dev.fleetplane.planner.spec.HostPatch;
import dev.fleetplane.planner.spec.IntakeResult;
import dev.fleetplane.planner.spec.SpecIntake;
import dev.fleetplane.planner.lifecycle.HostConditions;
import dev.fleetplane.planner.lifecycle.HostRecord;
import dev.fleetplane.planner.lifecycle.HostStore;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The managed hosts, where each one is in its lifecycle, and its two conditions; desired-state patches of one host. */
@Path("/api/v1/hosts")
@Produces(MediaType.APPLICATION_JSON)
public class HostResource {

    @Inject
    Database database;

    @Inject
    HostStore hosts;

    @Inject
    SpecIntake intake;

    @Inject
    PlanStore plans;

    @Inject
    PlannerConfig config;

    @Inject
    PowerCommands power;

    @Inject
    CallerAccess caller;

    /** What a host key may look like (hosts.nix keys end up in commands and file names: no shell metacharacters). */
    static final String HOST_NAME = "[a-zA-Z0-9][a-zA-Z0-9-]{0,62}";
    private static final Set<String> SOURCES = Set.of("ci", "operator", "event");

    /**
     * One host for {@code fleetplane status}; {@code secondsTaken} is start to Ready; {@code action} is the planned
     * change being carried out (or waiting); {@code conditions} are {@code Ready} and {@code Reconciled}.
     */
    public record HostView(String fleet, String host, int vmid, String node, String state, String action, String step,
                           String reason, String ip, String planId, List<HostConditions.Condition> conditions,
                           OffsetDateTime startedAt, OffsetDateTime readyAt, Long secondsTaken) {

        static HostView of(HostRecord r) {
            Long taken = r.startedAt() != null && r.readyAt() != null && !r.readyAt().isBefore(r.startedAt())
                    ? Duration.between(r.startedAt(), r.readyAt()).toSeconds() : null;
            return new HostView(r.fleet(), r.host(), r.vmid(), r.node(), r.state().name(), r.action(), r.step(),
                    r.reason(), r.ip(), r.planId(), HostConditions.of(r), r.startedAt(), r.readyAt(), taken);
        }
    }

    @RolesAllowed({Roles.VIEWER, Roles.CI})
    @GET
    public List<HostView> list(@QueryParam("fleet") String fleet) {
        String f = fleet == null || fleet.isBlank() ? null : fleet.trim();
        var scope = caller.scope();
        return database.read(c -> hosts.list(c, f)).stream().filter(h -> scope.allows(h.host())).map(HostView::of)
                .toList();
    }

    /**
     * The body of {@code PATCH /api/v1/hosts/{host}}: a desired-state change of one host.
     *
     * @param set    attribute paths relative to the host ({@code proxmox.cores}, or just {@code cores}) to new values;
     *               a JSON null removes the attribute
     * @param remove remove the host from the spec
     */
    public record PatchBody(Map<String, JsonNode> set, Boolean remove, Long baseVersion, Boolean autoApprove,
                            String revision, String source) {
    }

    /**
     * Changes one host's desired state: the patch is applied to the fleet's latest spec version and, if the result
     * validates, becomes the next version (planned like any other). 202 with the new version; 400 for a bad patch
     * or an invalid result, 404 for an unknown host or fleet, 409 when {@code baseVersion} is no longer the latest.
     */
    @RolesAllowed(Roles.OPERATOR)
    @PATCH
    @Path("/{host}")
    @Consumes({MediaType.APPLICATION_JSON, "application/merge-patch+json"})
    public Response patch(@PathParam("host") String host, @QueryParam("fleet") String fleetParam,
                          @HeaderParam("X-Fleetplane-Operator") String operator, PatchBody body) {
        if (!host.matches(HOST_NAME)) {
            throw new ApiException(400, "host name must match " + HOST_NAME + ", got '" + host + "'");
        }
        caller.requireHost(host);
        String fleet = fleetParam == null || fleetParam.isBlank() ? config.spec().defaultFleet() : fleetParam.trim();
        if (body == null) {
            throw new ApiException(400, "a patch needs a JSON body: {\"set\": {\"cores\": 8}} or {\"remove\": true}");
        }
        String source = body.source() == null || body.source().isBlank() ? "operator" : body.source().trim();
        if (!SOURCES.contains(source)) {
            throw new ApiException(400, "source must be one of " + SOURCES + ", got '" + source + "'");
        }
        // Who asked (the token's name) is named when a later push of a hosts file without this patch reverts it.
        String requestedBy = caller.actor(operator);
        HostPatch patch = new HostPatch(fleet, host, body.set(), Boolean.TRUE.equals(body.remove()), source,
                body.revision(), body.baseVersion(), Optional.ofNullable(body.autoApprove()), requestedBy);
        IntakeResult result = intake.patch(patch);
        if (result instanceof IntakeResult.Rejected r) {
            int status = switch (r.reason()) {
                case NOT_FOUND -> 404;
                case CONFLICT -> 409;
                case NIX_MISSING -> 503;
                case INVALID -> 400;
            };
            throw new ApiException(status, r.error(), r.problems().stream().map(SpecProblem::toString).toList());
        }
        IntakeResult.Accepted a = (IntakeResult.Accepted) result;
        SpecStatus status = SpecStatus.of(a.spec(), database.read(c -> plans.findBySpecVersion(c, a.spec().version())),
                a.warnings());
        return Response.accepted(status).location(URI.create("/api/v1/specs/" + a.spec().version())).build();
    }

    /**
     * A day-2 power action on a host of the fleet's applied spec: {@code {"action": "start|stop|shutdown|reboot",
     * "force": false}}. 202 {@code {fleet, host, vmid, node, action, commandId, correlationId, ...}} once the command
     * is on {@code pve.commands}; 400 bad body, 404 no such host (or its VM is gone), 409 refused (readonly host — even
     * with force —, a step of a plan in flight without force), 504 no inventory.
     */
    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/{host}/power")
    public Response power(@PathParam("host") String host, @QueryParam("fleet") String fleetParam,
                          @HeaderParam("X-Fleetplane-Operator") String operator, String body) {
        if (!host.matches(HOST_NAME)) {
            throw new ApiException(400, "host name must match " + HOST_NAME + ", got '" + host + "'");
        }
        caller.requireHost(host);
        String fleet = fleetParam == null || fleetParam.isBlank() ? config.spec().defaultFleet() : fleetParam.trim();
        PowerRequests.Request r = PowerRequests.parse(body);
        return PowerRequests.accepted(() -> power.forHost(fleet, host, r.action(), r.force(),
                caller.actor(operator)));
    }
}
