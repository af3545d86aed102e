package dev.fleetplane.planner.api;

import dev.fleetplane.planner.plan.PlanApproval;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns every failure of the REST API into {@code {"error": ..., "details": [...]}} with the right status. */
public class ApiExceptionMapper {

    private static final Logger LOG = Logger.getLogger(ApiExceptionMapper.class);

    @ServerExceptionMapper
    public Response api(ApiException e) {
        return json(e.status(), new ApiError(e.getMessage(), e.details()));
    }

    @ServerExceptionMapper
    public Response refused(PlanApproval.RefusedException e) {
        return json(e.notFound() ? 404 : 409, new ApiError(e.getMessage(), List.of()));
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        return json(status, new ApiError(e.getMessage(), List.of()));
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        LOG.error("request failed", e);
        return json(500, new ApiError("internal error: " + e.getClass().getSimpleName() + ": " + e.getMessage(),
                List.of()));
    }

    private static Response json(int status, ApiError body) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(body).build();
    }
}
