package dev.fleetplane.planner.api;

import dev.fleetplane.messaging.Database;
import dev.fleetplane.messaging.access.Roles;
import dev.fleetplane.planner.eventlog.EventLogStore;
import dev.fleetplane.planner.eventlog.LoggedEvent;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * The event log: every event of every topic, filtered. Without {@code after}: the newest {@code limit}, oldest
 * first. With {@code after=<cursor>}: what was stored after the cursor, in log order. Every answer carries the
 * cursor for the next call in the {@value #CURSOR} header (and each event its {@code seq}), so a client follows. A
 * host-scoped token sees only events about its hosts ({@code subject}); {@code ?host=} outside them is a 403.
 */
@Path("/api/v1/events")
@Produces(MediaType.APPLICATION_JSON)
public class EventResource {

    public static final String CURSOR = "X-Fleetplane-Cursor";

    @Inject
    Database database;

    @Inject
    EventLogStore store;

    @Inject
    CallerAccess caller;

    @RolesAllowed({Roles.VIEWER, Roles.CI})
    @GET
    public Response find(@QueryParam("host") String host, @QueryParam("type") String type,
                         @QueryParam("correlationId") String correlationId, @QueryParam("since") String since,
                         @QueryParam("until") String until, @QueryParam("limit") String limit,
                         @QueryParam("after") String after) {
        if (host != null && !host.isBlank()) {
            caller.requireHost(host.trim());
        }
        OffsetDateTime from = time("since", since);
        OffsetDateTime to = time("until", until);
        if (from != null && to != null && !from.isBefore(to)) {
            throw new ApiException(400, "since (" + since + ") must be before until (" + until + ")");
        }
        long n = number("limit", limit, 100);
        if (n < 1 || n > 10_000) {
            throw new ApiException(400, "limit must be between 1 and 10000, got " + n);
        }
        Long cursor = null;
        if (after != null && !after.isBlank()) {
            cursor = number("after", after, 0);
            if (cursor < 0) {
                throw new ApiException(400, "after must be a cursor from a previous answer (a number >= 0), got '"
                        + after + "'");
            }
        }
        EventLogStore.Query q = new EventLogStore.Query(blankToNull(host), blankToNull(type),
                blankToNull(correlationId), from, to, cursor, (int) n);
        EventLogStore.Page page = database.read(c -> store.find(c, q));
        // A host-scoped token sees the events whose subject is one of its hosts; its page may then hold fewer than
        // limit events, and the cursor still moves past the ones it may not see.
        var scope = caller.scope();
        List<LoggedEvent> events = scope.all() ? page.events()
                : page.events().stream().filter(e -> scope.allows(e.subject())).toList();
        return Response.ok(events).header(CURSOR, Long.toString(page.cursor())).build();
    }

    private static OffsetDateTime time(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw new ApiException(400, name + " must be an ISO-8601 time with offset (2026-01-31T12:00:00Z), got '"
                    + value + "'");
        }
    }

    private static long number(String name, String value, long fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new ApiException(400, name + " must be a number, got '" + value + "'");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
