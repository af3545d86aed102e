package dev.fleetplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * A fleetplane service's REST API as the CLI uses it: the planner's, or the provisioner's. Every request carries the
 * run's bearer token ({@link ApiToken}) unless it names its own {@code Authorization}; a 401 or 403 says in words what
 * was sent and what is missing.
 */
final class ServiceApi {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final String service;
    private final String baseUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Optional<ApiToken.Found> token;

    /** The planner's API. */
    ServiceApi(String baseUrl) {
        this("planner", baseUrl);
    }

    ServiceApi(String service, String baseUrl) {
        this.service = service;
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    /** This API with a token of its own instead of the run's ({@code demo}: the token of the stack it started). */
    ServiceApi withToken(String token, String source) {
        this.token = Optional.of(new ApiToken.Found(token, source));
        return this;
    }

    private Optional<ApiToken.Found> token() {
        if (token == null) {
            token = ApiToken.resolve(System.getenv());
        }
        return token;
    }

    /** Submits a spec; {@code nix} chooses {@code text/x-nix} over {@code application/json}. */
    JsonNode submitSpec(String content, boolean nix, Map<String, String> params) {
        StringJoiner query = new StringJoiner("&", "?", "");
        params.forEach((k, v) -> {
            if (v != null) {
                query.add(k + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8));
            }
        });
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/specs" + query))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", nix ? "text/x-nix" : "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(content, StandardCharsets.UTF_8))
                .build();
        return send(request);
    }

    JsonNode spec(long version) {
        return get("/api/v1/specs/" + version);
    }

    JsonNode plan(String id) {
        return get("/api/v1/plans/" + id);
    }

    /** POSTs a JSON body; {@code headers} may be empty. Errors become a {@link CliException} naming status and reason. */
    JsonNode postJson(String path, JsonNode body, Map<String, String> headers, Duration timeout) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        headers.forEach(request::header);
        return send(request.build());
    }

    /** A fleet's desired state now: the content of its newest spec version, and that version. */
    record LatestSpec(long version, JsonNode content) {
    }

    /** {@code GET /api/v1/specs/latest/content?fleet=}: the version is in {@code X-Fleetplane-Spec-Version}. */
    LatestSpec latestSpec(String fleet) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/specs/latest/content?fleet="
                + URLEncoder.encode(fleet, StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(30)).GET().build();
        HttpResponse<String> response = exchange(request);
        JsonNode body = parse(response.body());
        if (response.statusCode() == 404 && body.path("error").isMissingNode()) {
            throw new CliException("the planner at " + baseUrl + " has no GET /api/v1/specs/latest/content: it is"
                    + " older than this fleetplane; update it");
        }
        if (response.statusCode() >= 400) {
            throw new CliException("GET /api/v1/specs/latest/content answered " + response.statusCode() + ": "
                    + describeError(body, response.body()));
        }
        String version = response.headers().firstValue("X-Fleetplane-Spec-Version").orElseThrow(
                () -> new CliException("the planner's answer names no spec version (X-Fleetplane-Spec-Version)"));
        return new LatestSpec(Long.parseLong(version), body);
    }

    JsonNode hosts() {
        return get("/api/v1/hosts");
    }

    /** One page of the event log and the cursor to pass as {@code after} next time. */
    record EventPage(JsonNode events, String cursor) {
    }

    /** {@code GET /api/v1/events} with the given filters ({@code host}, {@code type}, {@code after}, ...). */
    EventPage events(Map<String, String> params) {
        StringJoiner query = new StringJoiner("&", "?", "");
        params.forEach((k, v) -> {
            if (v != null) {
                query.add(k + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8));
            }
        });
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/events" + query))
                .timeout(Duration.ofSeconds(30)).GET().build();
        HttpResponse<String> response = exchange(request);
        JsonNode body = parse(response.body());
        if (response.statusCode() >= 400) {
            throw new CliException("GET /api/v1/events answered " + response.statusCode() + ": "
                    + describeError(body, response.body()));
        }
        return new EventPage(body, response.headers().firstValue("X-Fleetplane-Cursor").orElse(null));
    }

    /** GET, with a 404 as empty (a thing not there yet) instead of an error. */
    java.util.Optional<JsonNode> find(String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30)).GET()
                .build();
        HttpResponse<String> response = exchange(request);
        if (response.statusCode() == 404) {
            return java.util.Optional.empty();
        }
        JsonNode body = parse(response.body());
        if (response.statusCode() >= 400) {
            throw new CliException("GET " + path + " answered " + response.statusCode() + ": "
                    + describeError(body, response.body()));
        }
        return java.util.Optional.of(body);
    }

    JsonNode get(String path) {
        return get(path, Map.of());
    }

    /** GET with extra headers (e.g. the console gateway's {@code Authorization}); errors never show them. */
    JsonNode get(String path, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30))
                .GET();
        headers.forEach(request::header);
        return send(request.build());
    }

    private JsonNode send(HttpRequest request) {
        HttpResponse<String> response = exchange(request);
        JsonNode body = parse(response.body());
        if (response.statusCode() >= 400) {
            throw new CliException(request.method() + " " + request.uri().getPath() + " answered "
                    + response.statusCode() + ": " + describeError(body, response.body()));
        }
        return body;
    }

    private HttpResponse<String> exchange(HttpRequest request) {
        Optional<ApiToken.Found> sent = request.headers().firstValue("Authorization").isPresent() ? Optional.empty()
                : token();
        if (sent.isPresent()) {
            request = HttpRequest.newBuilder(request, (name, value) -> true)
                    .header("Authorization", "Bearer " + sent.get().token()).build();
        }
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 401 || response.statusCode() == 403) {
                if (request.headers().firstValue("Authorization").isPresent() && sent.isEmpty()) {
                    return response; // a caller's own credentials (the console gateway's): its words are enough
                }
                throw new CliException(request.method() + " " + request.uri().getPath() + " answered "
                        + response.statusCode() + " from the " + service + ": "
                        + describeError(parse(response.body()), response.body()) + "; "
                        + ApiToken.hint(response.statusCode(), sent));
            }
            return response;
        } catch (ConnectException e) {
            throw new CliException("cannot reach the " + service + " at " + baseUrl + " (is `./fleetplane up` running?)",
                    e);
        } catch (IOException e) {
            throw new CliException(request.method() + " " + request.uri() + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted", e);
        }
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return JSON.getNodeFactory().textNode(body);
        }
    }

    /** The planner's {@code {"error": ..., "details": [...]}} as readable lines. */
    static String describeError(JsonNode body, String raw) {
        if (body.has("error")) {
            StringBuilder sb = new StringBuilder(body.get("error").asText());
            for (JsonNode d : body.path("details")) {
                sb.append(System.lineSeparator()).append("  - ").append(d.isTextual() ? d.asText() : d.toString());
            }
            return sb.toString();
        }
        return raw == null || raw.isBlank() ? "(no body)" : raw.strip();
    }
}
