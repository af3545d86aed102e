package dev.fleetplane.console.web;

import dev.fleetplane.console.ConsoleConfig;
import dev.fleetplane.console.auth.Operator;
import dev.fleetplane.console.auth.Operators;
import dev.fleetplane.console.backend.BackendException;
import dev.fleetplane.console.backend.ConsoleTarget;
import dev.fleetplane.console.session.ConsoleSession;
import dev.fleetplane.console.session.ServerMessage;
import dev.fleetplane.messaging.StoryContext;
import io.quarkus.websockets.next.OnBinaryMessage;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * {@code /console/ws/{host}}: a client's way onto a host's serial console (console-gateway/DESIGN.md, "Client
 * protocol"). The first message must authenticate within {@code fleetplane.console.auth-timeout}; the operator must be
 * allowed the host; then the client joins the VM's shared session. Binary messages are input, text messages control.
 * Handlers run on worker threads (they block while a line opens), one message at a time per connection.
 */
@WebSocket(path = "/console/ws/{host}")
public class ConsoleSocket {

    static final int UNAUTHORIZED = 4401;
    static final int FORBIDDEN = 4403;
    static final int NOT_FOUND = 4404;
    static final int AUTH_TIMEOUT = 4408;
    /** Input one message may carry; more is refused in words and nothing of it reaches the VM. */
    static final int MAX_INPUT_BYTES = 1024 * 1024;
    /** A control message is a few dozen characters; one over this is refused before it is parsed. */
    static final int MAX_CONTROL_CHARS = 64 * 1024;
    private static final Logger LOG = Logger.getLogger(ConsoleSocket.class);
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
            + "(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

    @Inject
    Consoles consoles;

    @Inject
    Operators operators;

    @Inject
    ConsoleConfig config;

    @Inject
    Vertx vertx;

    private final Map<String, ClientLink> links = new ConcurrentHashMap<>();

    @OnOpen
    void open(WebSocketConnection connection) {
        String host = connection.pathParam("host");
        ClientLink link = new ClientLink(connection, host, addressOnly(connection.handshakeRequest().remoteAddress()),
                config.viewerQueueBytes());
        links.put(connection.id(), link);
        if (host == null || host.length() > 253 || !HOST.matcher(host).matches()) {
            link.close(NOT_FOUND, "'" + abbreviate(host) + "' is not a host name");
            return;
        }
        vertx.setTimer(config.authTimeout().toMillis(), id -> {
            if (link.operatorOrNull() == null && !link.isClosed()) {
                link.close(AUTH_TIMEOUT, "no auth message within " + config.authTimeout().toSeconds() + " s");
            }
        });
    }

    @OnTextMessage
    void text(WebSocketConnection connection, String text) throws InterruptedException {
        ClientLink link = links.get(connection.id());
        if (link == null || link.isClosed()) {
            return;
        }
        try (StoryContext.Scope story = story(link)) {
            if (text.length() > MAX_CONTROL_CHARS) {
                String why = "a control message of " + text.length() + " characters is more than the "
                        + MAX_CONTROL_CHARS + " one may carry";
                if (link.operatorOrNull() == null) {
                    link.close(UNAUTHORIZED, "the first message must be the auth message; " + why);
                } else {
                    link.control(new ServerMessage.Error("too-large", why));
                }
                return;
            }
            control(link, text);
        }
    }

    /** The log lines of one client carry its host and, once joined, the console's id as the story's id. */
    private static StoryContext.Scope story(ClientLink link) {
        ConsoleSession s = link.session();
        return StoryContext.forHost(null, link.host(), s == null ? null : s.id()).open();
    }

    private void control(ClientLink link, String text) throws InterruptedException {
        ClientMessage m;
        try {
            m = ClientMessage.parse(text);
        } catch (ClientMessage.Invalid e) {
            if (link.operatorOrNull() == null) {
                link.close(UNAUTHORIZED, "the first message must be {\"type\":\"auth\",\"token\":...}: "
                        + e.getMessage());
            } else {
                link.control(new ServerMessage.Error("bad-message", e.getMessage()));
            }
            return;
        }
        if (link.operatorOrNull() == null) {
            if (!(m instanceof ClientMessage.Auth auth)) {
                link.close(UNAUTHORIZED, "the first message must be auth, not " + m.getClass().getSimpleName()
                        .toLowerCase());
                return;
            }
            admit(link, auth);
            return;
        }
        ConsoleSession s = link.session();
        if (s == null) {
            return; // still joining; a second auth or an early control message has nothing to act on
        }
        if (m instanceof ClientMessage.Resize r) {
            s.resize(link, r.cols(), r.rows());
        } else if (m instanceof ClientMessage.Take) {
            s.take(link);
        } else if (m instanceof ClientMessage.Release) {
            s.release(link);
        } else if (m instanceof ClientMessage.Ping) {
            link.control(new ServerMessage.Pong());
        } else {
            link.control(new ServerMessage.Error("bad-message", "already authenticated"));
        }
    }

    private void admit(ClientLink link, ClientMessage.Auth auth) throws InterruptedException {
        Optional<Operator> operator = operators.authenticate(auth.token());
        if (operator.isEmpty()) {
            String why = operators.refusal(auth.token());
            LOG.infof("console: refused a token from %s for host %s: %s", link.from(), link.host(), why);
            link.close(UNAUTHORIZED, why);
            return;
        }
        Operator o = operator.get();
        if (!o.mayOpen(link.host())) {
            LOG.infof("console: operator %s may not open host %s (from %s)", o.name(), link.host(), link.from());
            link.close(FORBIDDEN, "operator " + o.name() + " may not open the console of " + link.host());
            return;
        }
        link.admitted(o);
        try {
            ConsoleTarget target = consoles.hub().locate(link.host());
            ConsoleSession s = consoles.hub().attach(target, link, auth.cols(), auth.rows());
            link.joined(s);
            if (link.isClosed()) {
                s.leave(link, "client closed while joining");
            }
        } catch (BackendException e) {
            link.close(closeCode(e), e.getMessage());
        }
    }

    static int closeCode(BackendException e) {
        return switch (e.kind()) {
            case NOT_FOUND -> NOT_FOUND;
            case REFUSED -> ConsoleSession.VM_REFUSED;
            case UNAUTHORIZED, UNREACHABLE, PROTOCOL -> ConsoleSession.LINE_LOST;
        };
    }

    @OnBinaryMessage
    void binary(WebSocketConnection connection, Buffer input) {
        ClientLink link = links.get(connection.id());
        if (link == null || link.isClosed()) {
            return;
        }
        if (link.operatorOrNull() == null) {
            link.close(UNAUTHORIZED, "the first message must be the auth message, not input");
            return;
        }
        if (input.length() > MAX_INPUT_BYTES) {
            link.control(new ServerMessage.Error("too-large", "input of " + input.length() + " bytes in one message "
                    + "is more than the " + MAX_INPUT_BYTES + " a message may carry; nothing of it was sent (send a "
                    + "paste in pieces of 64 KiB)"));
            return;
        }
        ConsoleSession s = link.session();
        if (s != null) {
            s.input(link, input.getBytes());
        }
    }

    @OnClose
    void closed(WebSocketConnection connection) {
        ClientLink link = links.remove(connection.id());
        if (link == null) {
            return;
        }
        boolean closedByUs = link.isClosed();
        link.markGone(); // a join still under way sees this and leaves at once (admit)
        ConsoleSession s = link.session();
        if (s != null) {
            LOG.debugf("console client %s of %s left", link.id(), link.host());
            var reason = connection.closeReason();
            s.leave(link, closedByUs ? "closed by the gateway" : "client closed"
                    + (reason == null || reason.getCode() == 1000 || reason.getCode() == 1005 ? ""
                    : " (" + reason.getCode() + ")"));
        }
    }

    @OnError
    void error(WebSocketConnection connection, Throwable failure) {
        ClientLink link = links.get(connection.id());
        if (link == null) {
            LOG.warnf("console client %s: %s", connection.id(), failure.toString());
            return;
        }
        try (StoryContext.Scope story = story(link)) {
            LOG.warnf("console client %s from %s: %s", link.id(), link.from(), failure.toString());
        }
        if (!link.isClosed()) {
            if (isTooBig(failure)) {
                link.close(1009, "message too big: the gateway reads messages of at most 16 MiB");
            } else {
                link.close(ConsoleSession.LINE_LOST, "console gateway error: " + failure.getClass().getSimpleName());
            }
        }
    }

    private static boolean isTooBig(Throwable t) {
        String m = String.valueOf(t.getMessage()).toLowerCase();
        return m.contains("too big") || m.contains("max") && m.contains("size");
    }

    /** {@code 192.0.2.1:53422} or {@code [2001:db8::1]:53422} without the port: the audit's "from". */
    static String addressOnly(String remote) {
        if (remote == null) {
            return "unknown";
        }
        if (remote.startsWith("[")) {
            int end = remote.indexOf(']');
            return end > 0 ? remote.substring(1, end) : remote;
        }
        int colon = remote.lastIndexOf(':');
        return colon > 0 && remote.indexOf(':') == colon ? remote.substring(0, colon) : remote;
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
