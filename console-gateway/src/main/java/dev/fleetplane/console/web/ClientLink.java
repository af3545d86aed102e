package dev.fleetplane.console.web;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fleetplane.console.auth.Operator;
import dev.fleetplane.console.session.ConsoleSession;
import dev.fleetplane.console.session.ServerMessage;
import dev.fleetplane.console.session.Viewer;
import dev.fleetplane.events.Json;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * One client's WebSocket as a {@link Viewer}: output and control messages are queued on the connection without
 * waiting; the bytes not yet written to the client are counted, and a client that stops reading is dropped (4429)
 * once they pass the limit, so it never holds up the console or the other viewers.
 */
final class ClientLink implements Viewer {

    static final int NOT_READING = 4429;
    private static final Logger LOG = Logger.getLogger(ClientLink.class);
    /** A WebSocket close reason holds at most 123 bytes; longer reasons go in an error message first. */
    private static final int MAX_REASON_BYTES = 123;

    private final String id = UUID.randomUUID().toString();
    private final WebSocketConnection connection;
    private final String host;
    private final String from;
    private final long queueLimit;
    private final AtomicLong queued = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Operator operator;
    private volatile ConsoleSession session;

    ClientLink(WebSocketConnection connection, String host, String from, long queueLimit) {
        this.connection = connection;
        this.host = host;
        this.from = from;
        this.queueLimit = queueLimit;
    }

    String host() {
        return host;
    }

    void admitted(Operator o) {
        operator = o;
    }

    Operator operatorOrNull() {
        return operator;
    }

    void joined(ConsoleSession s) {
        session = s;
    }

    ConsoleSession session() {
        return session;
    }

    boolean isClosed() {
        return closed.get();
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String operator() {
        return operator.name();
    }

    @Override
    public String from() {
        return from;
    }

    @Override
    public boolean mayWrite() {
        return operator.mayWrite();
    }

    @Override
    public void output(byte[] bytes) {
        if (closed.get()) {
            return;
        }
        long pending = queued.addAndGet(bytes.length);
        if (pending > queueLimit) {
            close(NOT_READING, "not reading: more than " + queueLimit + " bytes of output waited for this client");
            return;
        }
        connection.sendBinary(bytes).subscribe().with(ok -> queued.addAndGet(-bytes.length),
                failure -> queued.addAndGet(-bytes.length));
    }

    @Override
    public void control(ServerMessage message) {
        if (!closed.get()) {
            sendText(message);
        }
    }

    private void sendText(ServerMessage message) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("type", message.type());
        n.setAll((ObjectNode) Json.MAPPER.valueToTree(message));
        String text = n.toString();
        long size = text.length();
        queued.addAndGet(size);
        connection.sendText(text).subscribe().with(ok -> queued.addAndGet(-size), failure -> queued.addAndGet(-size));
    }

    @Override
    public void close(int code, String reason) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        byte[] utf8 = reason.getBytes(StandardCharsets.UTF_8);
        String shortReason = reason;
        if (utf8.length > MAX_REASON_BYTES) {
            sendText(new ServerMessage.Error("closing", reason));
            shortReason = new String(utf8, 0, MAX_REASON_BYTES - 3, StandardCharsets.UTF_8).replace("\uFFFD", "")
                    + "...";
        }
        LOG.debugf("closing console client %s (%s): %d %s", id, from, code, reason);
        connection.close(new CloseReason(code, shortReason)).subscribe().with(ok -> { }, failure -> { });
        ConsoleSession s = session;
        if (s != null) {
            s.leave(this, reason);
        }
    }
}
