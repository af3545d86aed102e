package dev.fleetplane.provisioner.saga;

import dev.fleetplane.messaging.Database;
import dev.fleetplane.messaging.access.AccessErrors;
import dev.fleetplane.messaging.access.HostScope;
import dev.fleetplane.messaging.access.Roles;
import io.quarkus.security.identity.SecurityIdentity;
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

/**
 * The sagas for operators and the CLI: where each host's provisioning stands, and {@code retry}. A host-scoped token
 * (docs/access.md) sees and retries only its hosts' sagas; a retry records the token's name as who asked.
 */
@Path("/sagas")
@Produces(MediaType.APPLICATION_JSON)
public class SagaResource {

    @Inject
    Database database;

    @Inject
    SagaStore store;

    @Inject
    Retries retries;

    @Inject
    SecurityIdentity identity;

    @RolesAllowed(Roles.VIEWER)
    @GET
    public List<Saga> active() {
        HostScope scope = HostScope.of(identity);
        return database.read(c -> {
            List<Saga> out = new java.util.ArrayList<>();
            for (SagaState state : SagaState.values()) {
                if (state.isActive()) {
                    store.inState(c, state).stream().filter(s -> scope.allows(s.host())).forEach(out::add);
                }
            }
            return out;
        });
    }

    @RolesAllowed(Roles.VIEWER)
    @GET
    @Path("/{host}")
    public Saga one(@PathParam("host") String host) {
        requireHost(host);
        return database.read(c -> store.find(c, host))
                .orElseThrow(() -> new NotFoundException("no provisioning saga for host '" + host + "'"));
    }

    /** {@code fleetplane retry HOST}: 200 with the saga as it restarts; 404 unknown host; 409 not failed. */
    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/{host}/retry")
    public Saga retry(@PathParam("host") String host, @QueryParam("by") String by) {
        requireHost(host);
        String name = identity.getPrincipal().getName();
        // Who asked is the token's name; a different ?by= (the client's word) is kept only as a note.
        String who = by == null || by.isBlank() || by.strip().equals(name) ? name
                : name + " (as sent: " + by.strip().replaceAll("\\p{Cntrl}", "") + ")";
        try {
            return database.inTransaction(c -> {
                try {
                    return retries.retry(c, host, who);
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

    private void requireHost(String host) {
        HostScope scope = HostScope.of(identity);
        if (!scope.allows(host)) {
            throw AccessErrors.forbidden(scope.refusal(host));
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
