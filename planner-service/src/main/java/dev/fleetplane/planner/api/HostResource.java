package dev.fleetplane.planner.api;

import dev.fleetplane.messaging.Database;
import dev.fleetplane.planner.lifecycle.HostRecord;
import dev.fleetplane.planner.lifecycle.HostStore;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;

/** The managed hosts and where each one is in its lifecycle. */
@Path("/api/v1/hosts")
@Produces(MediaType.APPLICATION_JSON)
public class HostResource {

    @Inject
    Database database;

    @Inject
    HostStore hosts;

    /** One host for {@code fleetplane status}; {@code secondsTaken} is start to Ready. */
    public record HostView(String fleet, String host, int vmid, String node, String state, String step, String reason,
                           String ip, String planId, OffsetDateTime startedAt, OffsetDateTime readyAt,
                           Long secondsTaken) {

        static HostView of(HostRecord r) {
            Long taken = r.startedAt() != null && r.readyAt() != null
                    ? Duration.between(r.startedAt(), r.readyAt()).toSeconds() : null;
            return new HostView(r.fleet(), r.host(), r.vmid(), r.node(), r.state().name(), r.step(), r.reason(),
                    r.ip(), r.planId(), r.startedAt(), r.readyAt(), taken);
        }
    }

    @GET
    public List<HostView> list(@QueryParam("fleet") String fleet) {
        return database.read(c -> hosts.list(c, fleet)).stream().map(HostView::of).toList();
    }
}
