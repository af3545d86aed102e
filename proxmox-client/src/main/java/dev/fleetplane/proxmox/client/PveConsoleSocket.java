package dev.fleetplane.proxmox.client;

import dev.fleetplane.proxmox.client.PveException.Failure;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An open {@code GET /nodes/{node}/qemu/{vmid}/vncwebsocket} (reference §5.3): the WebSocket pveproxy bridges to a
 * termproxy session, opened with the client's own API auth (ticket cookie or token header), its TLS trust, and the
 * {@code binary} subprotocol. It carries bytes only; what they mean (the auth line, {@code OK}, {@code 0:len:data})
 * is the caller's business.
 *
 * <p>Built on {@code java.net.http.WebSocket}, which allows one outstanding send at a time: {@link #send} queues each
 * message behind the previous one, so callers on any thread may send, in order, one WebSocket message per call (the
 * pve-xtermjs frames must not be split). Listener calls come one at a time from the client's executor.
 *
 * <p>Secrets: the VNC ticket, the API ticket and the token are never in a message, a {@link #toString()} or a log;
 * URLs in messages show {@code vncticket=<hidden>}.
 */
public final class PveConsoleSocket implements AutoCloseable {

    /** Hears one socket. Calls come one at a time and in order; they must not block. */
    public interface Listener {

        /** Bytes from the server (a binary message or part of one; a text message as its UTF-8 bytes). */
        void onMessage(byte[] data);

        /**
         * The socket is gone; called once. {@code byServer} is true when the server or the network ended it, false
         * after {@link #close()}.
         */
        void onClosed(String reason, boolean byServer);
    }

    private final String where; // the URL without the ticket, for messages
    private final Listener listener;
    private final String[] secrets; // the VNC ticket, plain and URL-encoded: scrubbed from every reason
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile WebSocket socket;
    private CompletableFuture<?> tail = CompletableFuture.completedFuture(null); // guarded by this

    private PveConsoleSocket(String where, Listener listener, String... secrets) {
        this.where = where;
        this.listener = listener;
        this.secrets = secrets;
    }

    /**
     * Opens the socket; blocks until the upgrade is answered (at most the connection's connect timeout). A refused
     * upgrade is a {@link PveException}: 401 {@code UNAUTHORIZED}, 403 {@code FORBIDDEN} (the VNC ticket refused or no
     * {@code VM.Console}), other statuses {@code TRANSIENT} or {@code BAD_RESPONSE}; no answer is {@code TRANSIENT}.
     */
    static PveConsoleSocket open(HttpClient http, PveConnection connection, TicketSession session, String node,
                                 int vmid, TermProxy proxy, Listener listener) {
        String path = "/nodes/" + node + "/qemu/" + vmid + "/vncwebsocket?port=" + proxy.port() + "&vncticket=";
        String base = connection.baseUrl().toString().replaceFirst("^http", "ws");
        String where = base + path + "<hidden>";
        String encoded = URLEncoder.encode(proxy.ticket(), StandardCharsets.UTF_8);
        URI uri = URI.create(base + path + encoded);
        PveConsoleSocket s = new PveConsoleSocket(where, listener, proxy.ticket(), encoded);
        TicketSession.Ticket used = session == null ? null : session.ensureFresh();
        try {
            s.socket = connect(http, connection, used, uri, s);
        } catch (PveException e) {
            if (used == null || e.httpStatus() != 401) {
                throw e;
            }
            // the API ticket died early (as for every other call): log in once more; the VNC ticket is still young
            session.invalidate(used);
            s.socket = connect(http, connection, session.ensureFresh(), uri, s);
        }
        return s;
    }

    private static WebSocket connect(HttpClient http, PveConnection connection, TicketSession.Ticket ticket, URI uri,
                                     PveConsoleSocket s) {
        PveCall c = new PveCall("vncwebsocket", "GET", s.where, connection.principal());
        WebSocket.Builder b = http.newWebSocketBuilder()
                .subprotocols("binary")
                .connectTimeout(connection.connectTimeout());
        if (ticket == null) {
            b.header("Authorization", connection.authorization());
        } else {
            b.header("Cookie", "PVEAuthCookie=" + ticket.ticket());
        }
        CompletableFuture<WebSocket> pending = b.buildAsync(uri, s.new Receiver());
        try {
            // the connect timeout bounds the TCP connect; the upgrade answer gets the read timeout on top
            return pending.get(connection.connectTimeout().plus(connection.readTimeout()).toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw refused(connection, c, e.getCause() == null ? e : e.getCause());
        } catch (TimeoutException e) {
            pending.cancel(true);
            pending.thenAccept(WebSocket::abort);
            throw new PveException(Failure.TRANSIENT, c.operation(), c.url(), 0, "no answer", Map.of(),
                    "vncwebsocket failed: GET " + c.url() + " did not answer the upgrade within "
                    + connection.connectTimeout().plus(connection.readTimeout()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pending.thenAccept(WebSocket::abort);
            throw new PveException(Failure.TRANSIENT, c.operation(), c.url(), 0, "interrupted", Map.of(),
                    "vncwebsocket failed: GET " + c.url() + ": interrupted while connecting", e);
        }
    }

    private static PveException refused(PveConnection connection, PveCall c, Throwable cause) {
        if (!(cause instanceof WebSocketHandshakeException h)) {
            return TransportFailure.of(connection, c, cause instanceof Exception e ? e : new RuntimeException(cause));
        }
        int status = h.getResponse().statusCode();
        Failure failure;
        String why;
        if (status == 401) {
            failure = Failure.UNAUTHORIZED;
            why = "Proxmox refused the API login of '" + connection.principal() + "' on the upgrade request"
                    + " (the ticket cookie or token header is missing, expired or wrong)";
        } else if (status == 403) {
            failure = Failure.FORBIDDEN;
            why = "Proxmox refused the console: the VNC ticket is expired (it lives 40 s), was minted for another"
                    + " port or VM, or '" + connection.principal() + "' lacks VM.Console on the VM";
        } else if (status == 101) {
            failure = Failure.BAD_RESPONSE;
            why = "the upgrade was answered without the 'binary' subprotocol or a valid WebSocket handshake";
        } else {
            failure = status >= 500 ? Failure.TRANSIENT : Failure.BAD_RESPONSE;
            why = "the server did not upgrade to a WebSocket";
        }
        return new PveException(failure, c.operation(), c.url(), status, why, Map.of(),
                connection.redact("vncwebsocket failed: GET " + c.url() + " answered " + status + ": " + why), null);
    }

    /**
     * Sends {@code message} as one binary WebSocket message after every earlier one; returns at once. A failed send
     * ends the socket ({@link Listener#onClosed} with the reason). Nothing happens once the socket ended.
     */
    public void send(byte[] message) {
        ByteBuffer data = ByteBuffer.wrap(message.clone());
        synchronized (this) {
            if (ended.get()) {
                return;
            }
            tail = tail.thenCompose(ignored -> ended.get() ? CompletableFuture.completedFuture(null)
                            : socket.sendBinary(data, true))
                    .exceptionally(e -> {
                        end("sending to " + where + " failed: " + rootMessage(e), true);
                        return null;
                    });
        }
    }

    /** Whether the socket is still open (neither side has ended it). */
    public boolean isOpen() {
        return !ended.get();
    }

    /**
     * Ends the socket: the message being sent finishes, queued ones not yet started are dropped, a close frame
     * follows and the connection is dropped without waiting for the server's answer (pveproxy then ends the
     * termproxy session). Idempotent; the listener hears {@code onClosed(…, false)} at once if it has not heard of an
     * end yet.
     */
    @Override
    public void close() {
        WebSocket ws = socket;
        CompletableFuture<?> last;
        synchronized (this) {
            last = tail;
        }
        if (!end("closed by the client", false) || ws == null) {
            return;
        }
        last.handle((r, e) -> ws.sendClose(WebSocket.NORMAL_CLOSURE, ""))
                .thenCompose(x -> x)
                .whenComplete((r, e) -> ws.abort());
    }

    /** Notifies the listener once; false when the socket had already ended. */
    private boolean end(String reason, boolean byServer) {
        if (!ended.compareAndSet(false, true)) {
            return false;
        }
        if (byServer && socket != null) {
            socket.abort();
        }
        String clean = reason;
        for (String secret : secrets) {
            clean = clean.replace(secret, "<hidden>");
        }
        listener.onClosed(clean, byServer);
        return true;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    @Override
    public String toString() {
        return "PveConsoleSocket[" + where + (ended.get() ? ", closed" : ", open") + "]";
    }

    /** The JDK's listener: hands payloads on in order and asks for the next one. */
    private final class Receiver implements WebSocket.Listener {

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            if (!ended.get()) {
                listener.onMessage(bytes);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            if (!ended.get()) {
                listener.onMessage(data.toString().getBytes(StandardCharsets.UTF_8));
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            end("the server closed the console socket (" + statusCode + (reason == null || reason.isEmpty() ? ""
                    : " " + reason) + ")", true);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            end("the console socket broke: " + rootMessage(error), true);
        }
    }
}
