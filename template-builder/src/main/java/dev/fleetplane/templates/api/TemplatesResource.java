package dev.fleetplane.templates.api;

import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.templates.BuildTemplate;
import dev.fleetplane.messaging.Database;
import dev.fleetplane.messaging.EventSource;
import dev.fleetplane.messaging.Outbox;
import dev.fleetplane.messaging.access.Roles;
import dev.fleetplane.templates.TemplatesConfig;
import dev.fleetplane.templates.catalog.Catalog;
import dev.fleetplane.templates.catalog.TemplateRow;
import dev.fleetplane.templates.saga.Build;
import dev.fleetplane.templates.saga.BuildRequest;
import dev.fleetplane.templates.saga.BuildStore;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The template builder's REST door (the CLI's {@code fleetplane template …}): start a build (the BuildTemplate goes
 * through templates.commands like any other), follow builds, list templates, mark one promoted.
 */
@Path("/templates")
@Produces(MediaType.APPLICATION_JSON)
public class TemplatesResource {

    @Inject
    Database database;

    @Inject
    Outbox outbox;

    @Inject
    EventSource source;

    @Inject
    TemplatesConfig config;

    @Inject
    BuildStore builds;

    @Inject
    Catalog catalog;

    /** Publishes a BuildTemplate; 202 with the build id, or 400 naming every problem before anything is built. */
    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/builds")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response build(BuildTemplate body) {
        if (body == null) {
            return problem(400, List.of("a JSON body is required: {\"template\": …, \"recipe\"|\"flake\": …, "
                    + "\"route\": \"sftp\"|\"api\"}"));
        }
        List<String> problems = BuildRequest.of(body, config).problems(config);
        if (!problems.isEmpty()) {
            return problem(400, problems);
        }
        FleetEvent event = FleetEvent.create(EventCatalog.BUILD_TEMPLATE, source.uri(), body.template(), body, null);
        database.inTransaction(c -> {
            outbox.append(c, body.template(), event);
            return null;
        });
        return Response.accepted(Map.of("buildId", event.id(), "template", body.template())).build();
    }

    @RolesAllowed(Roles.VIEWER)
    @GET
    @Path("/builds")
    public List<Build> builds(@QueryParam("template") String template, @QueryParam("limit") @DefaultValue("20") int limit) {
        int bounded = Math.max(1, Math.min(limit, 500));
        return database.read(c -> builds.recent(c, template, bounded));
    }

    @RolesAllowed(Roles.VIEWER)
    @GET
    @Path("/builds/{id}")
    public Response build(@PathParam("id") String id) {
        Optional<Build> b = database.read(c -> builds.find(c, id));
        return b.map(x -> Response.ok(x).build()).orElseGet(() -> problem(404, List.of("no build " + id)));
    }

    @RolesAllowed(Roles.VIEWER)
    @GET
    public List<TemplateRow> templates(@QueryParam("name") String name) {
        return database.read(c -> catalog.list(c, name));
    }

    /** Marks {@code vmid} promoted and answers the hosts.nix line that makes it the fleet's template. */
    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/{vmid}/promote")
    public Response promote(@PathParam("vmid") int vmid) {
        Optional<TemplateRow> t = database.inTransaction(c -> catalog.promote(c, vmid));
        if (t.isEmpty()) {
            return problem(404, List.of("VM " + vmid + " is no template the builder made ready (or it was deleted);"
                    + " see GET /templates"));
        }
        return Response.ok(Map.of("vmid", vmid, "name", t.get().name(), "node", t.get().node(),
                "line", "_proxmox.templateVmid = " + vmid + ";")).build();
    }

    /** The planner's error shape, which the CLI prints: {@code {"error": …, "details": […]}}. */
    private static Response problem(int status, List<String> problems) {
        String error = status == 404 ? problems.get(0) : "the build request cannot be carried out";
        return Response.status(status).entity(Map.of("error", error, "details", problems))
                .type(MediaType.APPLICATION_JSON).build();
    }
}
