package dev.fleetplane.localstack.quarkus;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Knocks on a service's doors the way issue #14 asks: each mutating endpoint without a token (401), with a bad token
 * (401), with a token of a role it does not admit (403) and with one it admits (the endpoint's own answer, success
 * or a domain refusal). Plain {@link HttpClient}, so no default header of another test leaks in. {@link
 * #mutatingEndpoints} lists what the resources declare, so an access IT fails when an endpoint is added untested.
 */
public final class AccessProbe {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * One door: {@code endpoint} as the resource declares it ({@code "POST /api/v1/plans/{id}/apply"}), the concrete
     * path to call, the body (JSON), the token that must get past it and what the endpoint then answers (its success
     * or its own refusal, e.g. 404 for a plan that does not exist: the door let the call through).
     */
    public record Door(String endpoint, String path, String body, String admittedToken, int admittedStatus) {
        public String method() {
            return endpoint.substring(0, endpoint.indexOf(' '));
        }
    }

    private AccessProbe() {
    }

    /** {@code METHOD /path/{param}} of every POST, PUT, PATCH and DELETE method of these resource classes. */
    public static Set<String> mutatingEndpoints(Class<?>... resources) {
        Set<String> out = new TreeSet<>();
        for (Class<?> c : resources) {
            String base = c.isAnnotationPresent(Path.class) ? c.getAnnotation(Path.class).value() : "";
            for (Method m : c.getDeclaredMethods()) {
                String verb = m.isAnnotationPresent(POST.class) ? "POST" : m.isAnnotationPresent(PUT.class) ? "PUT"
                        : m.isAnnotationPresent(PATCH.class) ? "PATCH" : m.isAnnotationPresent(DELETE.class) ? "DELETE"
                        : null;
                if (verb != null) {
                    String sub = m.isAnnotationPresent(Path.class) ? m.getAnnotation(Path.class).value() : "";
                    out.add(verb + " " + join(base, sub));
                }
            }
        }
        return out;
    }

    /** The endpoints of {@code doors}, for comparing with {@link #mutatingEndpoints}. */
    public static Set<String> endpoints(List<Door> doors) {
        return doors.stream().map(Door::endpoint).collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * Calls every door four times: no token, an unknown token, {@code refusedToken} and the door's admitted token;
     * throws an {@link AssertionError} naming the door and what it answered when an answer is not the expected one.
     */
    public static void knock(URI base, List<Door> doors, String refusedToken, String refusedName) {
        for (Door d : doors) {
            Answer none = call(base, d, null);
            expect(d, "no token", none, 401, "a token is needed: Authorization: Bearer");
            Answer unknown = call(base, d, "Bearer not-a-token-of-this-fleet");
            expect(d, "an unknown token", unknown, 401, "unknown token");
            Answer wrongRole = call(base, d, "Bearer " + refusedToken);
            expect(d, "token " + refusedName, wrongRole, 403, "; token " + refusedName + " has ");
            Answer admitted = call(base, d, "Bearer " + d.admittedToken());
            if (admitted.status() != d.admittedStatus()) {
                throw new AssertionError(d.endpoint() + " with its admitted token: expected " + d.admittedStatus()
                        + ", got " + admitted);
            }
        }
    }

    /** What a door answered. */
    public record Answer(int status, String body) {
    }

    /** One call with an {@code Authorization} header (or none). */
    public static Answer call(URI base, Door d, String authorization) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(d.path())).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .method(d.method(), d.body() == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(d.body()));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body());
        } catch (IOException e) {
            throw new AssertionError(d.endpoint() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(d.endpoint() + ": interrupted", e);
        }
    }

    private static void expect(Door d, String with, Answer a, int status, String words) {
        if (a.status() != status || !a.body().contains(words)) {
            throw new AssertionError(d.endpoint() + " with " + with + ": expected " + status + " saying '" + words
                    + "', got " + a);
        }
    }

    private static String join(String base, String sub) {
        String b = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        if (sub.isEmpty()) {
            return b;
        }
        return b + (sub.startsWith("/") ? sub : "/" + sub);
    }
}
