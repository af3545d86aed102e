package dev.fleetplane.console.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetplane.events.Json;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A plain WebSocket client of the gateway's {@code /console/ws/{host}} (java.net.http), keeping everything it gets:
 * output bytes, control messages, the close code and reason. {@link #stopReading()} makes it a client that no longer
 * takes messages off its socket.
 */
final class ConsoleClient implements AutoCloseable {

    record Closed(int code, String reason) {
    }

    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    final List<JsonNode> controls = new CopyOnWriteArrayList<>();
    final CompletableFuture<Closed> closed = new CompletableFuture<>();
    private final WebSocket socket;
    private volatile boolean reading = true;

    private ConsoleClient(URI uri) {
        socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .buildAsync(uri, new Listener()).join();
    }

    static ConsoleClient open(int port, String host) {
        return new ConsoleClient(URI.create("ws://127.0.0.1:" + port + "/console/ws/" + host));
    }

    /** Opens, authenticates, and waits for the welcome. */
    static ConsoleClient join(int port, String host, String token) {
        ConsoleClient c = open(port, host);
        c.auth(token, 100, 30);
        c.awaitControl("welcome");
        return c;
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                try {
                    controls.add(Json.MAPPER.readTree(text.toString()));
                } catch (Exception e) {
                    throw new AssertionError("the gateway sent a text message that is not JSON: " + text, e);
                }
                text.setLength(0);
            }
            next(ws);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            binary.writeBytes(b);
            if (last) {
                synchronized (output) {
                    output.writeBytes(binary.toByteArray());
                }
                binary.reset();
            }
            next(ws);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(new Closed(statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.complete(new Closed(-1, String.valueOf(error)));
        }

        private void next(WebSocket ws) {
            if (reading) {
                ws.request(1);
            }
        }
    }

    void auth(String token, int cols, int rows) {
        control("{\"type\":\"auth\",\"token\":\"" + token + "\",\"cols\":" + cols + ",\"rows\":" + rows + "}");
    }

    void control(String json) {
        socket.sendText(json, true).join();
    }

    void type(String input) {
        send(input.getBytes(StandardCharsets.UTF_8));
    }

    void send(byte[] bytes) {
        socket.sendBinary(ByteBuffer.wrap(bytes), true).join();
    }

    void stopReading() {
        reading = false;
    }

    /** Takes messages off the socket again (what queued meanwhile, then the close if there was one). */
    void resumeReading() {
        reading = true;
        socket.request(1);
    }

    String output() {
        synchronized (output) {
            return output.toString(StandardCharsets.UTF_8);
        }
    }

    int outputLength() {
        synchronized (output) {
            return output.size();
        }
    }

    /** Waits until the output holds {@code text}; returns the output then. */
    String awaitOutput(String text) {
        return await(() -> output().contains(text) ? output() : null,
                () -> "output containing '" + text + "'; got: " + tail(output()));
    }

    /** Waits until at least {@code bytes} bytes of output have arrived in all. */
    void awaitOutputLength(int bytes) {
        await(() -> outputLength() >= bytes ? Boolean.TRUE : null,
                () -> bytes + " bytes of output; got " + outputLength());
    }

    JsonNode awaitControl(String type) {
        return awaitControl(type, n -> true);
    }

    JsonNode awaitControl(String type, Predicate<JsonNode> matching) {
        return await(() -> controls.stream().filter(n -> type.equals(n.path("type").asText())).filter(matching)
                .reduce((a, b) -> b).orElse(null), () -> "a '" + type + "' message; got " + controls);
    }

    Closed awaitClose() {
        try {
            return closed.get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the gateway did not close the connection within 20 s; got " + controls, e);
        }
    }

    private static <T> T await(java.util.function.Supplier<T> probe, java.util.function.Supplier<String> what) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            T t = probe.get();
            if (t != null) {
                return t;
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("waited 20 s for " + what.get());
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private static String tail(String s) {
        return s.length() <= 400 ? s : "…" + s.substring(s.length() - 400);
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed() && !closed.isDone()) {
            try {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
                closed.get(5, TimeUnit.SECONDS); // the gateway's close answers ours
            } catch (Exception e) {
                // gone already, or not answering: abort below
            }
        }
        socket.abort();
    }
}
