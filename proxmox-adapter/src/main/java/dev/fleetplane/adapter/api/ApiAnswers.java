package dev.fleetplane.adapter.api;

import dev.fleetplane.proxmox.client.PveException;
import dev.fleetplane.proxmox.client.PveException.Failure;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Every failure of the adapter's read API as {@code {"error": "..."}}: the API's own refusals with their status, a
 * Proxmox failure as 503 (Proxmox busy or unreachable: try again) or 502 (Proxmox answered, but not with what was
 * asked) naming Proxmox's error. {@link PveException} messages name the URL and token id, never the secret.
 */
public class ApiAnswers {

    private static final Logger LOG = Logger.getLogger(ApiAnswers.class);

    @ServerExceptionMapper
    public Response problem(ApiProblem e) {
        return json(e.status(), e.getMessage());
    }

    @ServerExceptionMapper
    public Response proxmox(PveException e) {
        LOG.warnf("read API: Proxmox call failed: %s", e.getMessage());
        return json(statusOf(e.failure()), "Proxmox " + e.failure().code() + ": " + e.getMessage());
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        return json(e.getResponse().getStatus(), e.getMessage());
    }

    /** 503 when asking again later may work (busy, locked, unreachable, timed out), else 502; 404 for a vanished VM. */
    static int statusOf(Failure failure) {
        return switch (failure) {
            case NOT_FOUND -> 404;
            case TRANSIENT, TIMEOUT, LOCKED -> 503;
            default -> 502;
        };
    }

    private static Response json(int status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(Map.of("error", message)).build();
    }
}
