package dev.fleetplane.planner.api;

import dev.fleetplane.messaging.Database;
import dev.fleetplane.planner.eventlog.EventLogStore;
import dev.fleetplane.planner.eventlog.LoggedEvent;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;

/** The event log: every event of every topic, filtered, newest last. */
@Path("/api/v1/events")
@Produces(MediaType.APPLICATION_JSON)
public class EventResource {

    @Inject
    Database database;

    @Inject
    EventLogStore store;

    @GET
    public List<LoggedEvent> find(@QueryParam("host") String host, @QueryParam("type") String type,
                                  @QueryParam("correlationId") String correlationId,
                                  @QueryParam("since") String since, @QueryParam("limit") Integer limit) {
        OffsetDateTime from = null;
        if (since != null && !since.isBlank()) {
            try {
                from = OffsetDateTime.parse(since.trim());
            } catch (DateTimeParseException e) {
                throw new ApiException(400, "since must be an ISO-8601 time with offset (2026-01-31T12:00:00Z), got '"
                        + since + "'");
            }
        }
        int n = limit == null ? 100 : limit;
        if (n < 1 || n > 10_000) {
            throw new ApiException(400, "limit must be between 1 and 10000, got " + n);
        }
        EventLogStore.Query q = new EventLogStore.Query(blankToNull(host), blankToNull(type),
                blankToNull(correlationId), from, n);
        return database.read(c -> store.find(c, q));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
