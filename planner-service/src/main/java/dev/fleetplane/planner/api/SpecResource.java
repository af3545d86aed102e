package dev.fleetplane.planner.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetplane.events.desired.SpecProblem;
import dev.fleetplane.messaging.Database;
import dev.fleetplane.messaging.access.Roles;
import dev.fleetplane.planner.PlannerConfig;
import dev.fleetplane.planner.plan.Plan;
import dev.fleetplane.planner.plan.PlanStore;
import dev.fleetplane.planner.spec.IntakeResult;
import dev.fleetplane.planner.spec.SpecIntake;
import dev.fleetplane.planner.spec.SpecStore;
import dev.fleetplane.planner.spec.SpecVersion;
import dev.fleetplane.planner.spec.Submission;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Spec intake over HTTP: {@code POST /api/v1/specs} with the evaluated hosts file ({@code application/json})
 * or hosts.nix source ({@code text/x-nix}); options as query parameters or {@code X-Fleetplane-*} headers. Specs
 * span the whole fleet: a host-scoped token neither pushes nor reads them (403).
 */
@Path("/api/v1/specs")
@Produces(MediaType.APPLICATION_JSON)
public class SpecResource {

    public static final String NIX = "text/x-nix";
    private static final Set<String> SOURCES = Set.of("ci", "operator");

    @Inject
    SpecIntake intake;

    @Inject
    PlannerConfig config;

    @Inject
    CallerAccess caller;

    @Inject
    Database database;

    @Inject
    SpecStore specs;

    @Inject
    PlanStore plans;

    @RolesAllowed({Roles.CI, Roles.OPERATOR})
    @POST
    @Consumes({MediaType.APPLICATION_JSON, NIX})
    public Response submit(@HeaderParam("Content-Type") String contentType,
                           @QueryParam("fleet") String fleetParam, @HeaderParam("X-Fleetplane-Fleet") String fleetHeader,
                           @QueryParam("source") String sourceParam, @HeaderParam("X-Fleetplane-Source") String sourceHeader,
                           @QueryParam("revision") String revisionParam,
                           @HeaderParam("X-Fleetplane-Revision") String revisionHeader,
                           @QueryParam("autoApprove") String autoParam,
                           @HeaderParam("X-Fleetplane-Auto-Approve") String autoHeader,
                           @QueryParam("allowRevert") String allowRevertParam,
                           @HeaderParam("X-Fleetplane-Allow-Revert") String allowRevertHeader,
                           InputStream body) {
        caller.requireWholeFleet();
        String fleet = first(fleetParam, fleetHeader, config.spec().defaultFleet());
        if (!fleet.matches("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}")) {
            throw new ApiException(400, "fleet must match [a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}, got '" + fleet + "'");
        }
        String source = first(sourceParam, sourceHeader, "operator");
        if (!SOURCES.contains(source)) {
            throw new ApiException(400, "source must be ci or operator, got '" + source + "'");
        }
        String revision = first(revisionParam, revisionHeader, null);
        Optional<Boolean> autoApprove = Optional.ofNullable(first(autoParam, autoHeader, null))
                .map(v -> bool("autoApprove", v));
        boolean allowRevert = Optional.ofNullable(first(allowRevertParam, allowRevertHeader, null))
                .map(v -> bool("allowRevert", v)).orElse(false);
        String text = read(body);
        boolean nix = contentType != null && contentType.toLowerCase().startsWith(NIX);
        Submission.Input input = nix ? new Submission.NixSource(text) : new Submission.JsonText(text);
        IntakeResult result = intake.submit(new Submission(fleet, source, revision, autoApprove, allowRevert, input));
        if (result instanceof IntakeResult.Rejected r) {
            int status = r.reason() == IntakeResult.Reason.NIX_MISSING ? 503 : 400;
            throw new ApiException(status, r.error(), r.problems().stream().map(SpecProblem::toString).toList());
        }
        IntakeResult.Accepted a = (IntakeResult.Accepted) result;
        SpecStatus status = status(a.spec(), a.warnings());
        return Response.accepted(status).location(URI.create("/api/v1/specs/" + a.spec().version())).build();
    }

    @RolesAllowed({Roles.VIEWER, Roles.CI})
    @GET
    @Path("/{version}")
    public SpecStatus get(@PathParam("version") String versionText) {
        caller.requireWholeFleet();
        long version;
        try {
            version = Long.parseLong(versionText);
        } catch (NumberFormatException e) {
            throw new ApiException(400, "spec version must be a number, got '" + versionText + "'");
        }
        SpecVersion v = database.read(c -> specs.find(c, version))
                .orElseThrow(() -> new ApiException(404, "no spec version " + version));
        return status(v, List.of());
    }

    /**
     * The desired state now: the content of the fleet's newest spec version, host patches included (what
     * {@code fleetplane spec export} renders as hosts.nix). The version is in {@code X-Fleetplane-Spec-Version}.
     */
    @RolesAllowed({Roles.VIEWER, Roles.CI})
    @GET
    @Path("/latest/content")
    public Response latestContent(@QueryParam("fleet") String fleetParam) {
        caller.requireWholeFleet();
        String fleet = first(fleetParam, null, config.spec().defaultFleet());
        SpecVersion v = database.read(c -> specs.findLatest(c, fleet)).orElseThrow(() -> new ApiException(404,
                "fleet " + fleet + " has no spec version yet; push one with `fleetplane push FILE --fleet " + fleet + "`"));
        return Response.ok(v.content()).header("X-Fleetplane-Spec-Version", v.version()).build();
    }

    @RolesAllowed({Roles.VIEWER, Roles.CI})
    @GET
    @Path("/{version}/content")
    public JsonNode content(@PathParam("version") long version) {
        caller.requireWholeFleet();
        return database.read(c -> specs.find(c, version)).map(SpecVersion::content)
                .orElseThrow(() -> new ApiException(404, "no spec version " + version));
    }

    private SpecStatus status(SpecVersion v, List<SpecProblem> warnings) {
        return SpecStatus.of(v, database.read(c -> plans.findBySpecVersion(c, v.version())), warnings);
    }

    private String read(InputStream body) {
        int max = config.spec().maxBytes();
        try (InputStream in = body) {
            byte[] bytes = in.readNBytes(max + 1);
            if (bytes.length > max) {
                throw new ApiException(413, "spec is larger than " + max + " bytes (fleetplane.planner.spec.max-bytes)");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ApiException(400, "cannot read the request body: " + e.getMessage());
        }
    }

    private static boolean bool(String name, String v) {
        if (!v.equals("true") && !v.equals("false")) {
            throw new ApiException(400, name + " must be true or false, got '" + v + "'");
        }
        return Boolean.parseBoolean(v);
    }

    private static String first(String a, String b, String fallback) {
        if (a != null && !a.isBlank()) {
            return a.trim();
        }
        if (b != null && !b.isBlank()) {
            return b.trim();
        }
        return fallback;
    }
}
