package dev.fleetplane.planner.dashboard;

import dev.fleetplane.messaging.Database;
import dev.fleetplane.messaging.access.HostScope;
import dev.fleetplane.messaging.access.Roles;
import dev.fleetplane.planner.api.ApiException;
import dev.fleetplane.planner.eventlog.EventLogStore;
import dev.fleetplane.planner.eventlog.LoggedEvent;
import dev.fleetplane.planner.lifecycle.HostStore;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * One host's story: the states it went through ({@code HostStateChanged} in the event log) with how long each lasted,
 * and its newest events.
 */
@Path("/api/v1/hosts/{host}/timeline")
@Produces(MediaType.APPLICATION_JSON)
public class TimelineResource {

    static final int STEPS = 500;
    static final int EVENTS = 500;

    @Inject
    Database database;

    @Inject
    DashboardStore store;

    @Inject
    EventLogStore events;

    @Inject
    HostStore hosts;

    @Inject
    SecurityIdentity identity;

    /** @param steps oldest first; @param events the newest {@value #EVENTS} about the host, oldest first */
    public record View(String host, String fleet, List<Timeline.Step> steps, List<LoggedEvent> events) {
    }

    @RolesAllowed({Roles.VIEWER, Roles.CI})
    @GET
    public View timeline(@PathParam("host") String host, @QueryParam("fleet") String fleet) {
        if (!host.matches(EventStreamResource.HOST_NAME)) {
            throw new ApiException(400, "host name must match " + EventStreamResource.HOST_NAME + ", got '" + host + "'");
        }
        HostScope scope = HostScope.of(identity);
        if (!scope.allows(host)) {
            throw new ApiException(403, scope.refusal(host));
        }
        String f = fleet == null || fleet.isBlank() ? null : fleet.trim();
        return database.read(c -> {
            boolean known = f != null ? hosts.find(c, f, host).isPresent()
                    : !hosts.list(c, null).stream().filter(r -> r.host().equals(host)).toList().isEmpty();
            if (!known && !store.hasSubject(c, host)) {
                throw new ApiException(404, "no host " + host + (f != null ? " in fleet " + f : "")
                        + ": neither tracked nor named by any event");
            }
            List<Timeline.Change> changes = store.stateChanges(c, host, STEPS).stream()
                    .filter(e -> f == null || f.equals(e.data().path("fleet").asText(null)))
                    .map(e -> new Timeline.Change(e.data().path("to").asText(), e.time(), e.correlationId()))
                    .toList();
            List<LoggedEvent> story = events.find(c, new EventLogStore.Query(host, null, null, null, null, null,
                    EVENTS)).events();
            return new View(host, f, Timeline.steps(changes, OffsetDateTime.now(ZoneOffset.UTC)), story);
        });
    }
}
