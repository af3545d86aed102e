package dev.fleetplane.cli.console;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One WebSocket to the console gateway's {@code /console/ws/{host}} (the JDK's {@code java.net.http} client): VM
 * output (binary) and control messages (text, whole) go to {@link Events} in the order they arrive; sends are queued
 * one after the other (the JDK's WebSocket allows one outstanding send). {@link #closed} completes once, with the
 * gateway's close code and reason, or with the failure that ended the connection.
 */
public final class GatewaySocket {

    /** Where what the gateway sends goes; called on one thread at a time, in order. */
    public interface Events {
        /** Terminal bytes from the VM (raw; a UTF-8 character may be cut). */
        void output(ByteBuffer bytes);

        /** One control message (JSON text). */
        void control(String text);
    }

    /** How the connection ended: a close from the gateway ({@code error} null), or a failure. */
    public record Ended(int code, String reason, Throwable error) {
    }

    private final CompletableFuture<Ended> closed = new CompletableFuture<>();
    private volatile WebSocket socket;
    private CompletableFuture<?> sending = CompletableFuture.completedFuture(null);

    private GatewaySocket() {
    }

    /** Opens the socket; an unreachable gateway or a refused upgrade is an {@link IOException} saying which. */
    public static GatewaySocket open(URI uri, Duration timeout, Events events) throws IOException {
        GatewaySocket g = new GatewaySocket();
        HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).build();
        try {
            g.socket = http.newWebSocketBuilder().connectTimeout(timeout).buildAsync(uri, g.listener(events))
                    .get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
            return g;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof CompletionException c && c.getCause() != null ? c.getCause()
                    : e.getCause();
            if (cause instanceof WebSocketHandshakeException h) {
                throw new IOException("the gateway at " + uri + " refused the WebSocket upgrade (HTTP "
                        + h.getResponse().statusCode() + "): is this a console gateway?", h);
            }
            throw new IOException("cannot reach the console gateway at " + uri + ": " + cause, cause);
        } catch (TimeoutException e) {
            throw new IOException("the console gateway at " + uri + " did not answer within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while connecting to " + uri, e);
        }
    }

    private WebSocket.Listener listener(Events events) {
        return new WebSocket.Listener() {
            private final StringBuilder text = new StringBuilder();

            @Override
            public void onOpen(WebSocket ws) {
                ws.request(1);
            }

            @Override
            public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
                events.output(data);
                ws.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    String whole = text.toString();
                    text.setLength(0);
                    events.control(whole);
                }
                ws.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
                closed.complete(new Ended(code, reason, null));
                return null;
            }

            @Override
            public void onError(WebSocket ws, Throwable error) {
                closed.complete(new Ended(1006, "", error));
            }
        };
    }

    /** Completes when the connection ended, however it ended. */
    public CompletableFuture<Ended> closed() {
        return closed;
    }

    /** Queues a control message; the future completes when it was handed to the network. */
    public synchronized CompletableFuture<?> sendText(String message) {
        sending = sending.handle((x, e) -> null).thenCompose(x -> socket.sendText(message, true));
        return sending;
    }

    /** Queues terminal input (one binary message). */
    public synchronized CompletableFuture<?> sendBinary(byte[] input) {
        sending = sending.handle((x, e) -> null).thenCompose(x -> socket.sendBinary(ByteBuffer.wrap(input), true));
        return sending;
    }

    /**
     * Says goodbye (1000, the operator left) and waits up to {@code wait} for the gateway's answer; then, or if the
     * goodbye cannot be sent, drops the connection.
     */
    public void leave(Duration wait) {
        synchronized (this) {
            sending = sending.handle((x, e) -> null)
                    .thenCompose(x -> socket.sendClose(WebSocket.NORMAL_CLOSURE, "operator left"));
        }
        try {
            closed.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // no answer in time: drop it below
        }
        socket.abort();
        closed.complete(new Ended(WebSocket.NORMAL_CLOSURE, "operator left", null));
    }

    /** Drops the connection at once (the JVM is stopping). */
    public void abort() {
        socket.abort();
    }
}
