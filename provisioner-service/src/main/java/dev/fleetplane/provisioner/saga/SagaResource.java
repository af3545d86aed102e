package dev.fleetplane.provisioner.saga;

import dev.fleetplane.messaging.Database;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** Read-only view of the sagas for operators and the CLI: where each host's provisioning stands. */
@Path("/sagas")
@Produces(MediaType.APPLICATION_JSON)
public class SagaResource {

    @Inject
    Database database;

    @Inject
    SagaStore store;

    @GET
    public List<Saga> active() {
        return database.read(c -> {
            List<Saga> out = new java.util.ArrayList<>(store.inState(c, SagaState.RESOLVING_IP));
            out.addAll(store.inState(c, SagaState.REBUILDING));
            return out;
        });
    }

    @GET
    @Path("/{host}")
    public Saga one(@PathParam("host") String host) {
        return database.read(c -> store.find(c, host))
                .orElseThrow(() -> new NotFoundException("no provisioning saga for host '" + host + "'"));
    }
}
