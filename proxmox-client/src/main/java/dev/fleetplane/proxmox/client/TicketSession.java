package dev.fleetplane.proxmox.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetplane.proxmox.client.PveException.Failure;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A ticket login ({@code POST /access/ticket}) kept fresh: the first call logs in with the password, later calls
 * renew with the current ticket as password once it is older than {@link PveConnection#ticketRenewAfter()} (tickets
 * expire after 2 h), and a 401 forces a new login. Blocking; callers are worker threads.
 */
final class TicketSession {

    /** What later calls send: cookie {@code PVEAuthCookie=ticket}, header {@code CSRFPreventionToken} on writes. */
    record Ticket(String ticket, String csrfToken, long obtainedAtNanos) {
    }

    private final PveConnection connection;
    private final PveAccessApi access;
    private final LongSupplier nanoClock;
    private volatile Ticket current;

    TicketSession(PveConnection connection, PveAccessApi access) {
        this(connection, access, System::nanoTime);
    }

    TicketSession(PveConnection connection, PveAccessApi access, LongSupplier nanoClock) {
        this.connection = connection;
        this.access = access;
        this.nanoClock = nanoClock;
    }

    /** The ticket to send; null before the first {@link #ensureFresh()}. */
    Ticket current() {
        return current;
    }

    /** Logs in, or renews a ticket older than the renewal age; no call while the ticket is young. */
    synchronized Ticket ensureFresh() {
        Ticket t = current;
        if (t != null && Duration.ofNanos(nanoClock.getAsLong() - t.obtainedAtNanos())
                .compareTo(connection.ticketRenewAfter()) < 0) {
            return t;
        }
        if (t != null) {
            try {
                return current = login(t.ticket());
            } catch (PveException renewalRefused) {
                // an expired or revoked ticket: fall back to the password
            }
        }
        return current = login(connection.password());
    }

    /** Drops the ticket after a 401 so the next call logs in again. */
    synchronized void invalidate(Ticket seen) {
        if (current == seen) {
            current = null;
        }
    }

    private Ticket login(String secret) {
        PveCall c = new PveCall("login", "POST", connection.baseUrl() + "/access/ticket", connection.username());
        MultivaluedMap<String, String> form = new MultivaluedHashMap<>();
        form.putSingle("username", connection.username());
        form.putSingle("password", secret);
        JsonNode data;
        try (Response r = access.ticket(form)) {
            String body = r.hasEntity() ? r.readEntity(String.class) : null;
            data = ResponseReader.envelope(c, r.getStatus(), r.getStatusInfo().getReasonPhrase(), body).get("data");
        } catch (ProcessingException e) {
            throw ProxmoxClient.transportFailure(connection, c, e);
        } catch (PveException e) {
            if (e.failure() == Failure.UNAUTHORIZED) {
                String m = "login failed: POST " + c.url() + " answered 401 '" + e.pveMessage()
                        + "' — Proxmox rejected user '" + connection.username() + "' and its password (or ticket)";
                throw new PveException(Failure.UNAUTHORIZED, "login", c.url(), 401, e.pveMessage(), Map.of(), m, null);
            }
            throw new PveException(e.failure(), e.operation(), e.url(), e.httpStatus(),
                    connection.redact(e.pveMessage()), e.parameterErrors(), connection.redact(e.getMessage()), null);
        }
        JsonNode ticket = data == null ? null : data.get("ticket");
        JsonNode csrf = data == null ? null : data.get("CSRFPreventionToken");
        if (data != null && data.path("NeedTFA").asInt(0) == 1) {
            throw new PveException(Failure.UNAUTHORIZED, "login", c.url(), 200, "two-factor authentication required",
                    Map.of(), "login failed: user '" + connection.username() + "' needs two-factor authentication,"
                    + " which fleetplane does not do: use an API token or a user without TFA", null);
        }
        if (ticket == null || !ticket.isTextual() || csrf == null || !csrf.isTextual()) {
            throw new PveException(Failure.BAD_RESPONSE, "login", c.url(), 200, "no ticket", Map.of(),
                    "login failed: POST " + c.url() + " answered 200 without ticket and CSRFPreventionToken", null);
        }
        return new Ticket(ticket.asText(), csrf.asText(), nanoClock.getAsLong());
    }
}
