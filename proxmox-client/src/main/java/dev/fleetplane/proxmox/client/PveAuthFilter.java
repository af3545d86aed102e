package dev.fleetplane.proxmox.client;

import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientRequestFilter;

/**
 * Puts the credentials on every request: the API token header, or the ticket cookie plus the CSRF token on every
 * non-GET call (pve-manager's auth handler demands it for ticket sessions). No I/O here: tickets are fetched by
 * {@link TicketSession#ensureFresh()} on the calling thread before the request.
 */
final class PveAuthFilter implements ClientRequestFilter {

    private final String authorization; // token mode
    private final TicketSession session; // ticket mode

    PveAuthFilter(PveConnection connection, TicketSession session) {
        this.authorization = connection.ticketLogin() ? null : connection.authorization();
        this.session = session;
    }

    @Override
    public void filter(ClientRequestContext request) {
        if (authorization != null) {
            request.getHeaders().putSingle("Authorization", authorization);
            return;
        }
        TicketSession.Ticket t = session.current();
        if (t == null) {
            return; // Proxmox answers 401 "No ticket"; the client logs in and retries
        }
        request.getHeaders().putSingle("Cookie", "PVEAuthCookie=" + t.ticket());
        if (!"GET".equals(request.getMethod()) && !"HEAD".equals(request.getMethod())) {
            request.getHeaders().putSingle("CSRFPreventionToken", t.csrfToken());
        }
    }
}
