package dev.fleetplane.provisioner.saga;

import dev.fleetplane.messaging.Database;
import dev.fleetplane.messaging.access.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** The sagas for operators and the CLI: where each host's provisioning stands, and {@code retry}. */
@Path("/sagas")
@Produces(MediaType.APPLICATION_JSON)
public class SagaResource {

    @Inject
    Database database;

    @Inject
    SagaStore store;

    @Inject
    Retries retries;

    @RolesAllowed(Roles.VIEWER)
    @GET
    public List<Saga> active() {
        return database.read(c -> {
            List<Saga> out = new java.util.ArrayList<>();
            for (SagaState state : SagaState.values()) {
                if (state.isActive()) {
                    out.addAll(store.inState(c, state));
                }
            }
            return out;
        });
    }

    @RolesAllowed(Roles.VIEWER)
    @GET
    @Path("/{host}")
    public Saga one(@PathParam("host") String host) {
        return database.read(c -> store.find(c, host))
                .orElseThrow(() -> new NotFoundException("no provisioning saga for host '" + host + "'"));
    }

    /** {@code fleetplane retry HOST}: 200 with the saga as it restarts; 404 unknown host; 409 not failed. */
    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/{host}/retry")
    public Saga retry(@PathParam("host") String host, @QueryParam("by") String by) {
        try {
            return database.inTransaction(c -> {
                try {
                    return retries.retry(c, host, by == null ? "rest" : by);
                } catch (Retries.RetryRefused e) {
                    throw new RefusedInTransaction(e);
                }
            });
        } catch (RefusedInTransaction e) {
            Retries.RetryRefused refused = e.refused;
            throw refused.unknownHost ? new NotFoundException(refused.getMessage())
                    : new ClientErrorException(jakarta.ws.rs.core.Response.status(409)
                            .entity(java.util.Map.of("error", refused.getMessage())).type(MediaType.APPLICATION_JSON)
                            .build());
        }
    }

    private static final class RefusedInTransaction extends RuntimeException {
        final Retries.RetryRefused refused;

        RefusedInTransaction(Retries.RetryRefused refused) {
            super(refused.getMessage(), null, false, false);
            this.refused = refused;
        }
    }
}
