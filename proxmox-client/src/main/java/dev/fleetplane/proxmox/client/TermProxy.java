package dev.fleetplane.proxmox.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code POST …/termproxy}: where the serial console listens and the one-time VNC ticket for it. Send
 * {@code user + ":" + ticket + "\n"} as the first websocket message within seconds (the ticket lives 40 s).
 *
 * @param user   the authenticated id to send back ({@code root@pam}, {@code user@pve!token})
 * @param ticket {@code PVEVNC:…}; a credential: {@link #toString()} hides it
 * @param port   5900–5999 (Proxmox may send it as a string or a number)
 * @param upid   the {@code vncproxy} task that serves the session
 */
public record TermProxy(String user, String ticket, int port, Upid upid) {

    static TermProxy from(JsonNode data) {
        JsonFields.object(data, "termproxy answer");
        String user = JsonFields.text(data, "user");
        String ticket = JsonFields.text(data, "ticket");
        String upid = JsonFields.text(data, "upid");
        if (user == null || ticket == null || upid == null) {
            throw new JsonFields.BadShape("termproxy answer needs user, ticket, port and upid");
        }
        int port = JsonFields.requiredInt(data, "port");
        if (port < 1 || port > 65535) {
            throw new JsonFields.BadShape("'port' is out of range: " + port);
        }
        Upid parsed;
        try {
            parsed = Upid.parse(upid);
        } catch (IllegalArgumentException e) {
            throw new JsonFields.BadShape(e.getMessage());
        }
        return new TermProxy(user, ticket, port, parsed);
    }

    @Override
    public String toString() {
        return "TermProxy[user=" + user + ", ticket=<hidden>, port=" + port + ", upid=" + upid + "]";
    }
}
