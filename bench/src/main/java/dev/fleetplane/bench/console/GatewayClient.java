package dev.fleetplane.bench.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A client of the console gateway's {@code /console/ws/{host}} (java.net.http): the {@code auth} message, JSON control
 * messages kept in arrival order, binary output onto a {@link Screen}, input as one binary message per call.
 *
 * <p>Written here rather than taken from console-gateway: the client side of the protocol is a few lines, and the
 * bench measures the gateway as an outside client sees it, without its classes (or Quarkus) on the bench's class path.
 */
final class GatewayClient implements Keyboard, AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Screen screen;
    private final List<JsonNode> controls = new ArrayList<>();
    private final WebSocket socket;

    private GatewayClient(HttpClient http, URI uri, String name) {
        screen = new Screen(name);
        socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10)).buildAsync(uri, new Listener())
                .orTimeout(20, TimeUnit.SECONDS).join();
    }

    /** Opens {@code /console/ws/<host>}, authenticates with {@code token} and waits for the gateway's welcome. */
    static GatewayClient join(HttpClient http, int port, String host, String token, String name)
            throws InterruptedException {
        GatewayClient c = new GatewayClient(http, URI.create("ws://127.0.0.1:" + port + "/console/ws/" + host), name);
        c.socket.sendText("{\"type\":\"auth\",\"token\":\"" + token + "\",\"cols\":80,\"rows\":24}", true).join();
        c.awaitControl("welcome", n -> true);
        return c;
    }

    @Override
    public void type(byte[] keys) {
        socket.sendBinary(ByteBuffer.wrap(keys), true).join();
    }

    @Override
    public Screen screen() {
        return screen;
    }

    /** Waits for a control message of {@code type} matching {@code test} (any received so far counts). */
    JsonNode awaitControl(String type, Predicate<JsonNode> test) throws InterruptedException {
        long end = System.nanoTime() + Typist.TIMEOUT.toNanos();
        synchronized (controls) {
            while (true) {
                for (JsonNode n : controls) {
                    if (type.equals(n.path("type").asText()) && test.test(n)) {
                        return n;
                    }
                }
                for (JsonNode n : controls) {
                    if (n.path("type").asText().equals("closed")) {
                        throw new IllegalStateException(screen + ": the gateway closed the console: " + n);
                    }
                }
                long left = end - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException(screen + ": no '" + type + "' message within "
                            + Typist.TIMEOUT + "; got " + controls);
                }
                controls.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            screen.append(data, System.nanoTime());
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                add(parse(text.toString()));
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
            add(JSON.createObjectNode().put("type", "closed").put("code", code).put("reason", reason));
            return null;
        }

        private JsonNode parse(String json) {
            try {
                return JSON.readTree(json);
            } catch (Exception e) {
                return JSON.createObjectNode().put("type", "unreadable").put("text", json);
            }
        }

        private void add(JsonNode n) {
            synchronized (controls) {
                controls.add(n);
                controls.notifyAll();
            }
        }
    }

    @Override
    public void close() {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bench done").get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            // already closed or not answering: abort below
        }
        socket.abort();
    }
}
