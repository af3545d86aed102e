package dev.fleetplane.console.api;

import dev.fleetplane.console.audit.SessionStore;
import dev.fleetplane.console.auth.Operator;
import dev.fleetplane.console.auth.Operators;
import dev.fleetplane.messaging.Database;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The console audit over REST: {@code GET /console/sessions} (viewer sessions, newest first) and
 * {@code GET /console/sessions/{id}/transcript}. Every call needs an operator's token ({@code Authorization: Bearer});
 * an operator sees only the hosts it may open.
 */
@Path("/console/sessions")
// Open to Quarkus Security: the resource checks the token itself against the operators (their host globs decide what
// each may see), which include the shared tokens (Operators).
@PermitAll
@Produces(MediaType.APPLICATION_JSON)
public class ConsoleSessionsResource {

    private static final int MAX_LIMIT = 500;

    @Inject
    Operators operators;

    @Inject
    Database database;

    @Inject
    SessionStore store;

    @GET
    public List<SessionStore.Row> list(@HeaderParam("Authorization") String authorization,
                                       @QueryParam("host") String host, @QueryParam("limit") Integer limit) {
        Operator o = operator(authorization);
        int n = limit == null ? 50 : limit;
        if (n < 1 || n > MAX_LIMIT) {
            throw problem(400, "limit must be from 1 to " + MAX_LIMIT + ", got " + n);
        }
        if (host != null && !o.mayOpen(host)) {
            throw problem(403, "operator " + o.name() + " may not see the consoles of " + host);
        }
        List<SessionStore.Row> rows = database.read(c -> store.list(c, host, MAX_LIMIT));
        return rows.stream().filter(r -> o.mayOpen(r.host())).limit(n).toList();
    }

    @GET
    @Path("{session}/transcript")
    public Map<String, Object> transcript(@HeaderParam("Authorization") String authorization,
                                          @PathParam("session") String session) {
        Operator o = operator(authorization);
        try {
            UUID.fromString(session);
        } catch (IllegalArgumentException e) {
            throw problem(400, "'" + (session.length() > 40 ? session.substring(0, 40) + "…" : session)
                    + "' is not a session id (a UUID)");
        }
        SessionStore.Row row = database.read(c -> store.find(c, session))
                .filter(r -> o.mayOpen(r.host()))
                .orElseThrow(() -> problem(404, "no console session " + session));
        List<SessionStore.Entry> entries = database.read(c -> store.transcript(c, row.console()));
        return Map.of("session", row.session(), "console", row.console(), "host", row.host(), "entries", entries);
    }

    private Operator operator(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw problem(401, "an operator's token is needed: Authorization: Bearer <token>");
        }
        String token = authorization.substring(7).strip();
        return operators.authenticate(token).orElseThrow(() -> problem(401, operators.refusal(token)));
    }

    private static WebApplicationException problem(int status, String message) {
        return new WebApplicationException(Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(Map.of("error", message)).build());
    }
}
