package dev.fleetplane.provisioner.integrate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Mints a single-use, ephemeral, pre-authorised, tagged Tailscale auth key for one guest: OAuth client credentials to
 * an access token ({@code POST /api/v2/oauth/token}), then the token to a key valid 600 s
 * ({@code POST /api/v2/tailnet/{tailnet}/keys}).
 *
 * <p>On the JDK's HttpClient rather than the Quarkus REST client: two calls, a base URL that tests point at a local
 * fake, no CDI needed, so the saga (or a test) can build one from plain values, and both time limits are explicit.
 * Every wait is bounded: connect by {@code connectTimeout}, each whole answer (body included) by
 * {@code requestTimeout}. Redirects are not followed, so the bearer token never goes to another host.
 */
public final class TailscaleEnrolment {

    /** How long a minted key may be used: long enough for one {@code tailscale up}, short enough to be worthless after. */
    public static final Duration KEY_VALIDITY = Duration.ofSeconds(600);
    private static final int MAX_MESSAGE = 300;
    private static final Logger LOG = Logger.getLogger(TailscaleEnrolment.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TailscaleSettings settings;
    private final OAuthClient client;
    private final HttpClient http;
    private final Consumer<String> log;

    public TailscaleEnrolment(TailscaleSettings settings, OAuthClient client) {
        this(settings, client, LOG::info);
    }

    /** With the sink for this class's log lines given, so a test can read every line it writes. */
    TailscaleEnrolment(TailscaleSettings settings, OAuthClient client, Consumer<String> log) {
        this.settings = settings;
        this.client = client;
        this.log = log;
        this.http = HttpClient.newBuilder()
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** Mints a key for {@code host} and builds the command that uses it. */
    public TailscaleUp enrol(String host) {
        return new TailscaleUp(host, settings.tags(), mintAuthKey(host));
    }

    /**
     * Mints a single-use, ephemeral, pre-authorised auth key carrying the configured tags, valid
     * {@link #KEY_VALIDITY}.
     *
     * @throws TailscaleEnrolmentException naming the host, the step and the cause
     */
    public Secret mintAuthKey(String host) {
        Secret token = accessToken(host);
        URI uri = URI.create(settings.base() + "/api/v2/tailnet/" + URLEncoder.encode(settings.tailnet(),
                StandardCharsets.UTF_8) + "/keys");
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(settings.requestTimeout())
                .header("Authorization", "Bearer " + token.reveal())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(keyRequest(host)))
                .build();
        JsonNode answer = call(host, EnrolmentStep.KEY, request, token);
        String key = answer.path("key").asText("");
        if (key.isBlank()) {
            throw new TailscaleEnrolmentException(host, EnrolmentStep.KEY,
                    TailscaleEnrolmentException.Cause.INCOMPLETE_ANSWER, 0,
                    "the answer of POST " + uri + " holds no 'key'", null);
        }
        log.accept("host " + host + ": tailscale auth key " + printable(answer.path("id").asText("(no id)"))
                + " minted (single-use, ephemeral, pre-authorised, tags " + settings.tags() + ", valid "
                + KEY_VALIDITY.toSeconds() + " s)");
        return Secret.of(key);
    }

    /** Step {@code tailscale-token}: the client credentials grant (RFC 6749 §4.4) with the credentials in the form. */
    Secret accessToken(String host) {
        URI uri = URI.create(settings.base() + "/api/v2/oauth/token");
        String form = "grant_type=client_credentials"
                + "&client_id=" + URLEncoder.encode(client.clientId(), StandardCharsets.UTF_8)
                + "&client_secret=" + URLEncoder.encode(client.clientSecret().reveal(), StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(settings.requestTimeout())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
        JsonNode answer = call(host, EnrolmentStep.TOKEN, request, null);
        String token = answer.path("access_token").asText("");
        if (token.isBlank()) {
            throw new TailscaleEnrolmentException(host, EnrolmentStep.TOKEN,
                    TailscaleEnrolmentException.Cause.INCOMPLETE_ANSWER, 0,
                    "the answer of POST " + uri + " holds no 'access_token'", null);
        }
        log.accept("host " + host + ": tailscale access token obtained for OAuth client " + client.clientId());
        return Secret.of(token);
    }

    private String keyRequest(String host) {
        ObjectNode create = JSON.createObjectNode()
                .put("reusable", false)
                .put("ephemeral", true)
                .put("preauthorized", true);
        settings.tags().forEach(create.putArray("tags")::add);
        ObjectNode body = JSON.createObjectNode();
        body.putObject("capabilities").putObject("devices").set("create", create);
        body.put("expirySeconds", KEY_VALIDITY.toSeconds());
        body.put("description", "fleetplane " + host);
        return body.toString();
    }

    /** Sends, waits at most requestTimeout for the whole answer, and returns its JSON if the status is 2xx. */
    private JsonNode call(String host, EnrolmentStep step, HttpRequest request, Secret token) {
        String what = request.method() + " " + request.uri();
        CompletableFuture<HttpResponse<String>> pending =
                http.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        HttpResponse<String> response;
        try {
            // the request timeout of HttpClient ends when headers arrive; this bounds the body too
            response = pending.get(settings.requestTimeout().toMillis() + 500, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            pending.cancel(true);
            throw failure(host, step, TailscaleEnrolmentException.Cause.TIMED_OUT,
                    what + " got no complete answer within " + settings.requestTimeout(), null);
        } catch (InterruptedException e) {
            pending.cancel(true);
            Thread.currentThread().interrupt();
            throw failure(host, step, TailscaleEnrolmentException.Cause.INTERRUPTED, what + " was interrupted", null);
        } catch (ExecutionException e) {
            throw transportFailure(host, step, what, e.getCause());
        }
        int status = response.statusCode();
        if (status < 200 || status > 299) {
            throw new TailscaleEnrolmentException(host, step, TailscaleEnrolmentException.Cause.REJECTED, status,
                    "HTTP " + status + " from " + what + ": " + apiMessage(response.body(), token), null);
        }
        try {
            JsonNode json = JSON.readTree(response.body());
            if (json == null || !json.isObject()) {
                throw new IOException("not a JSON object");
            }
            return json;
        } catch (IOException e) {
            // never quote a 2xx body: it may hold the token or the key
            throw new TailscaleEnrolmentException(host, step, TailscaleEnrolmentException.Cause.INCOMPLETE_ANSWER,
                    status, "the answer of " + what + " is not a JSON object", null);
        }
    }

    private TailscaleEnrolmentException transportFailure(String host, EnrolmentStep step, String what, Throwable e) {
        if (e instanceof HttpConnectTimeoutException) {
            return failure(host, step, TailscaleEnrolmentException.Cause.TIMED_OUT,
                    what + ": no connection within " + settings.connectTimeout(), e);
        }
        if (e instanceof HttpTimeoutException) {
            return failure(host, step, TailscaleEnrolmentException.Cause.TIMED_OUT,
                    what + " got no answer within " + settings.requestTimeout(), e);
        }
        if (e instanceof ConnectException) {
            return failure(host, step, TailscaleEnrolmentException.Cause.UNREACHABLE,
                    what + ": connection refused or unreachable (" + e.getClass().getSimpleName() + ")", e);
        }
        return failure(host, step, TailscaleEnrolmentException.Cause.UNREACHABLE,
                what + ": " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
    }

    private TailscaleEnrolmentException failure(String host, EnrolmentStep step, TailscaleEnrolmentException.Cause cause,
                                                String detail, Throwable e) {
        return new TailscaleEnrolmentException(host, step, cause, 0, detail, e);
    }

    /** The API's {@code message} (or an OAuth {@code error_description}/{@code error}), scrubbed and shortened. */
    private String apiMessage(String body, Secret token) {
        String message = null;
        try {
            JsonNode json = JSON.readTree(body == null ? "" : body);
            if (json != null && json.isObject()) {
                for (String field : List.of("message", "error_description", "error")) {
                    if (json.path(field).isTextual() && !json.path(field).asText().isBlank()) {
                        message = json.path(field).asText();
                        break;
                    }
                }
            }
        } catch (IOException e) {
            // not JSON (a proxy's HTML page): say so rather than quote it
        }
        if (message == null) {
            return "(the answer carries no message)";
        }
        message = client.clientSecret().scrub(message);
        if (token != null) {
            message = token.scrub(message);
        }
        return printable(message);
    }

    private static String printable(String s) {
        String one = s.replaceAll("[\\p{Cntrl}]", " ");
        return one.length() > MAX_MESSAGE ? one.substring(0, MAX_MESSAGE) + "…" : one;
    }
}
