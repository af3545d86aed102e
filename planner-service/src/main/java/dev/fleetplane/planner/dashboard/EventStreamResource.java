package dev.fleetplane.planner.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleetplane.messaging.Database;
import dev.fleetplane.messaging.access.HostScope;
import dev.fleetplane.messaging.access.Roles;
import dev.fleetplane.planner.api.ApiException;
import dev.fleetplane.planner.eventlog.EventLogFeed;
import dev.fleetplane.planner.eventlog.EventLogStore;
import dev.fleetplane.planner.eventlog.LoggedEvent;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.List;

/**
 * The event log live, as server-sent events: {@code id: <seq>}, {@code event: fleet-event}, {@code data: <the
 * LoggedEvent as GET /api/v1/events gives it>}, filtered like that endpoint and by the caller's host scope. With
 * {@code Last-Event-ID} (or {@code ?after=}) it first replays what was stored after that seq (at most
 * {@code max-backlog}), with {@code ?backlog=N} the newest N; then live. A {@code : keep-alive} comment every 15 s.
 */
@Path("/api/v1/events/stream")
public class EventStreamResource {

    /** What a host name may look like (as for the host endpoints). */
    static final String HOST_NAME = "[a-zA-Z0-9][a-zA-Z0-9-]{0,62}";
    static final int MAX_FILTER = 256;
    static final int MAX_NEWEST = 500;

    @Inject
    EventLogFeed feed;

    @Inject
    EventLogStore store;

    @Inject
    Database database;

    @Inject
    StreamConfig config;

    @Inject
    StreamSlots slots;

    @Inject
    ObjectMapper json;

    @Inject
    SecurityIdentity identity;

    @RolesAllowed({Roles.VIEWER, Roles.CI})
    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Blocking
    public void stream(@QueryParam("host") String host, @QueryParam("type") String type,
                       @QueryParam("correlationId") String correlationId, @QueryParam("after") String after,
                       @QueryParam("backlog") String backlog, @HeaderParam("Last-Event-ID") String lastEventId,
                       @Context SseEventSink sink, @Context Sse sse) {
        String h = filter("host", host);
        if (h != null && !h.matches(HOST_NAME)) {
            throw new ApiException(400, "host must be a host name (" + HOST_NAME + "), got '" + h + "'");
        }
        HostScope scope = HostScope.of(identity);
        if (h != null && !scope.allows(h)) {
            throw new ApiException(403, scope.refusal(h));
        }
        StreamFilter f = new StreamFilter(h, filter("type", type), filter("correlationId", correlationId), scope);
        // A reconnect names the newest seq it has in Last-Event-ID: that wins over the after= of the first request.
        Long from = seq("Last-Event-ID", lastEventId);
        if (from == null) {
            from = seq("after", after);
        }
        Integer newest = null;
        if (backlog != null && !backlog.isBlank()) {
            Long n = seq("backlog", backlog);
            if (n < 1 || n > MAX_NEWEST) {
                throw new ApiException(400, "backlog must be between 1 and " + MAX_NEWEST + ", got " + n);
            }
            newest = n.intValue();
        }
        String token = identity.getPrincipal().getName();
        int max = config.streamsPerToken();
        if (!slots.take(token, max)) {
            throw new ApiException(429, "token " + token + " has " + max + " event streams open already (at most " + max
                    + "); close one first");
        }
        EventStream[] self = new EventStream[1];
        EventStream stream = new EventStream(sink, sse, json, f, config, () -> {
            feed.unsubscribe(self[0]);
            slots.release(token);
        });
        self[0] = stream;
        long present = feed.subscribe(stream);
        try {
            if (from != null) {
                int limit = config.maxBacklog();
                EventLogStore.Query q = new EventLogStore.Query(f.host(), f.type(), f.correlationId(), null, null,
                        from, limit + 1);
                List<LoggedEvent> rows = database.read(c -> store.find(c, q)).events();
                if (rows.size() > limit) {
                    stream.backlog(rows.subList(0, limit));
                    stream.truncated(rows.get(limit - 1).seq(), limit);
                    return;
                }
                stream.backlog(rows);
                stream.live(rows.isEmpty() ? from : rows.get(rows.size() - 1).seq());
            } else if (newest != null) {
                EventLogStore.Query q = new EventLogStore.Query(f.host(), f.type(), f.correlationId(), null, null,
                        null, newest);
                EventLogStore.Page page = database.read(c -> store.find(c, q));
                stream.backlog(page.events());
                stream.live(page.cursor());
            } else {
                stream.live(present);
            }
        } catch (RuntimeException e) {
            stream.end();
            throw e;
        }
    }

    private static String filter(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.trim();
        if (v.length() > MAX_FILTER) {
            throw new ApiException(400, name + " is longer than " + MAX_FILTER + " characters (" + v.length() + ")");
        }
        return v;
    }

    private static Long seq(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            long n = Long.parseLong(value.trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new ApiException(400, name + " must be a seq from the stream (a number >= 0), got '"
                + (value.length() > 40 ? value.substring(0, 40) + "…" : value) + "'");
    }
}
