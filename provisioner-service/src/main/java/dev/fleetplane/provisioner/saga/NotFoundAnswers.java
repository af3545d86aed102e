package dev.fleetplane.provisioner.saga;

import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** A 404 of the provisioner's API says what was not found, as {@code {"error": …}} (the CLI prints it). */
public class NotFoundAnswers {

    @ServerExceptionMapper
    public Response notFound(NotFoundException e) {
        String message = e.getMessage() == null || e.getMessage().isBlank() ? "not found" : e.getMessage();
        return Response.status(404).type(MediaType.APPLICATION_JSON).entity(Map.of("error", message)).build();
    }
}
