package dev.fleetplane.provisioner.integrate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A local stand-in for the two Tailscale API endpoints enrolment uses, checking requests as the real API does:
 * {@code POST /api/v2/oauth/token} (form with client_id/client_secret; a wrong pair is 401 with a JSON message) and
 * {@code POST /api/v2/tailnet/{tailnet}/keys} (bearer token it issued; tags the OAuth client owns, else 400
 * "requested tags [...] are invalid or not permitted", the API's wording). Each endpoint can be switched to stall,
 * answer without its secret field, answer 500, or echo the client secret in an error; the whole server can refuse
 * connections.
 */
public final class FakeTailscaleApi implements AutoCloseable {

    public enum Behaviour {
        /** Answer as the real API would. */
        ANSWER,
        /** Accept the request and never answer (until the fake is closed). */
        STALL,
        /** Send headers and part of the body, then never finish it. */
        STALL_BODY,
        /** 200 without {@code access_token} / {@code key}. */
        ANSWER_WITHOUT_SECRET,
        /** 500 with a JSON message. */
        FAIL_500,
        /** 502 with an HTML page, as a proxy in front of the API would send. */
        FAIL_502_HTML,
        /** 401 whose message quotes the client secret it got: a careless API the client must not repeat. */
        ECHO_SECRET_IN_ERROR
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String clientId;
    private final String clientSecret;
    private final String tailnet;
    private final Set<String> ownedTags;
    private final HttpServer server;
    private final ExecutorService executor;
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Map<EnrolmentStep, Behaviour> behaviour = Collections.synchronizedMap(new EnumMap<>(EnrolmentStep.class));
    private final List<String> issuedTokens = new CopyOnWriteArrayList<>();
    private final List<String> issuedKeys = new CopyOnWriteArrayList<>();
    private final List<JsonNode> keyRequests = new CopyOnWriteArrayList<>();
    private final URI baseUrl;

    public FakeTailscaleApi(String clientId, String clientSecret, String tailnet, Set<String> ownedTags) throws IOException {
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.tailnet = tailnet;
        this.ownedTags = Set.copyOf(ownedTags);
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-tailscale-api");
            t.setDaemon(true);
            return t;
        });
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(executor);
        server.createContext("/api/v2/oauth/token", this::token);
        server.createContext("/api/v2/tailnet/", this::keys);
        server.start();
        this.baseUrl = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public URI baseUrl() {
        return baseUrl;
    }

    public void on(EnrolmentStep step, Behaviour b) {
        behaviour.put(step, b);
    }

    /** Stops listening: later connections to {@link #baseUrl()} are refused. */
    public void refuseConnections() {
        closing.countDown();
        server.stop(0);
    }

    public List<String> issuedTokens() {
        return List.copyOf(issuedTokens);
    }

    public List<String> issuedKeys() {
        return List.copyOf(issuedKeys);
    }

    public List<JsonNode> keyRequests() {
        return List.copyOf(keyRequests);
    }

    private void token(HttpExchange exchange) throws IOException {
        try {
            if (!"POST".equals(exchange.getRequestMethod())) {
                send(exchange, 405, message("method not allowed"));
                return;
            }
            String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
            if (contentType == null || !contentType.startsWith("application/x-www-form-urlencoded")) {
                send(exchange, 400, message("expected a form (application/x-www-form-urlencoded)"));
                return;
            }
            Map<String, String> form = form(read(exchange));
            Behaviour b = behaviour.getOrDefault(EnrolmentStep.TOKEN, Behaviour.ANSWER);
            if (special(exchange, b, form.get("client_secret"))) {
                return;
            }
            if (!clientId.equals(form.get("client_id")) || !clientSecret.equals(form.get("client_secret"))) {
                send(exchange, 401, message("invalid client credentials"));
                return;
            }
            String grant = form.get("grant_type");
            if (grant != null && !"client_credentials".equals(grant)) {
                send(exchange, 400, message("unsupported grant_type " + grant));
                return;
            }
            ObjectNode answer = JSON.createObjectNode().put("token_type", "Bearer").put("expires_in", 3600)
                    .put("scope", "auth_keys").put("tags", String.join(" ", ownedTags));
            if (b != Behaviour.ANSWER_WITHOUT_SECRET) {
                String token = "tskey-api-" + random();
                issuedTokens.add(token);
                answer.put("access_token", token);
            }
            send(exchange, 200, answer);
        } finally {
            exchange.close();
        }
    }

    private void keys(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getPath();
            if (!path.equals("/api/v2/tailnet/-/keys") && !path.equals("/api/v2/tailnet/" + tailnet + "/keys")) {
                send(exchange, 404, message("not found"));
                return;
            }
            if (!"POST".equals(exchange.getRequestMethod())) {
                send(exchange, 405, message("method not allowed"));
                return;
            }
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (authorization == null || !authorization.startsWith("Bearer ")
                    || !issuedTokens.contains(authorization.substring("Bearer ".length()))) {
                send(exchange, 401, message("API token invalid"));
                return;
            }
            JsonNode body;
            try {
                body = JSON.readTree(read(exchange));
            } catch (IOException e) {
                send(exchange, 400, message("invalid JSON body"));
                return;
            }
            keyRequests.add(body);
            Behaviour b = behaviour.getOrDefault(EnrolmentStep.KEY, Behaviour.ANSWER);
            if (special(exchange, b, authorization)) {
                return;
            }
            JsonNode create = body.path("capabilities").path("devices").path("create");
            List<String> tags = new ArrayList<>();
            create.path("tags").forEach(t -> tags.add(t.asText()));
            // keys an OAuth client mints belong to no user: they must carry tags, and only tags the client owns
            if (tags.isEmpty() || !ownedTags.containsAll(tags)) {
                send(exchange, 400, message("requested tags " + tags.toString().replace(", ", " ")
                        + " are invalid or not permitted"));
                return;
            }
            if (body.path("expirySeconds").asLong(0) <= 0) {
                send(exchange, 400, message("expirySeconds must be positive"));
                return;
            }
            String id = "k" + random().substring(0, 10) + "CNTRL";
            ObjectNode answer = JSON.createObjectNode().put("id", id)
                    .put("description", body.path("description").asText(""))
                    .put("expirySeconds", body.path("expirySeconds").asLong());
            answer.set("capabilities", body.path("capabilities"));
            if (b != Behaviour.ANSWER_WITHOUT_SECRET) {
                String key = "tskey-auth-" + id + "-" + random();
                issuedKeys.add(key);
                answer.put("key", key);
            }
            send(exchange, 200, answer);
        } finally {
            exchange.close();
        }
    }

    /** Handles the switched-on misbehaviours; true if the exchange is done. */
    private boolean special(HttpExchange exchange, Behaviour b, String secretSeen) throws IOException {
        switch (b) {
            case STALL -> {
                awaitClose();
                return true;
            }
            case STALL_BODY -> {
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, 0);
                OutputStream out = exchange.getResponseBody();
                out.write("{\"access_token\":".getBytes(StandardCharsets.UTF_8));
                out.flush();
                awaitClose();
                return true;
            }
            case FAIL_500 -> {
                send(exchange, 500, message("internal error"));
                return true;
            }
            case FAIL_502_HTML -> {
                byte[] html = "<html><body>502 Bad Gateway</body></html>".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/html");
                exchange.sendResponseHeaders(502, html.length);
                exchange.getResponseBody().write(html);
                return true;
            }
            case ECHO_SECRET_IN_ERROR -> {
                send(exchange, 401, message("credentials " + secretSeen + " were not accepted"));
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    private void awaitClose() {
        try {
            closing.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ObjectNode message(String text) {
        return JSON.createObjectNode().put("message", text);
    }

    private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static String read(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new HashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return form;
    }

    private static String random() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
