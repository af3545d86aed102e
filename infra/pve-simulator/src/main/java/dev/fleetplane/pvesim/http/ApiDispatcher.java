package dev.fleetplane.pvesim.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Turns raw HTTP requests into API calls under {@code /api2/json}: authentication, routing, parameter extraction,
 * and the {@code {"data": …}} / error envelopes of pve-http-server's JSON formatter.
 */
public final class ApiDispatcher implements Function<RawRequest, ApiResponse> {

    public static final String PREFIX = "/api2/json";
    private static final Logger LOG = Logger.getLogger(ApiDispatcher.class.getName());

    private final ObjectMapper json = new ObjectMapper();
    private final ApiRouter router;
    private final TokenAuthenticator authenticator;
    private final boolean messageInErrorBody;
    private final PathChecks pathChecks;
    private final Authorization permissions;
    private final RequestCounter counter = new RequestCounter();

    /** Validates path parameters ({@code node}, {@code vmid}, …) before a handler runs; throws ApiException. */
    @FunctionalInterface
    public interface PathChecks {
        void check(Map<String, String> pathParams);
    }

    /**
     * What an authenticated caller may do, decided outside HTTP (pvesim.access): {@code check} throws the 403 for a
     * call the caller may not make, {@code filter} keeps only what it may see of a handler's result.
     */
    public interface Authorization {
        void check(String endpoint, Map<String, String> pathParams, Map<String, String> params, String user);

        Object filter(String endpoint, Object result, String user);
    }

    /**
     * @param messageInErrorBody libpve-http-server-perl >= 5.2.0 (Jan 2025) adds {@code message} to error bodies;
     *                           false renders the older {@code {"data":null}} so both client paths can be tested.
     */
    public ApiDispatcher(ApiRouter router, TokenAuthenticator authenticator, boolean messageInErrorBody,
                         PathChecks pathChecks, Authorization permissions) {
        this.router = router;
        this.permissions = permissions;
        this.authenticator = authenticator;
        this.messageInErrorBody = messageInErrorBody;
        this.pathChecks = pathChecks;
    }

    /** Every request under {@code /api2/json} this dispatcher answered, per endpoint (failures included). */
    public RequestCounter counter() {
        return counter;
    }

    @Override
    public ApiResponse apply(RawRequest request) {
        String path = request.rawPath();
        if (!(path.equals(PREFIX) || path.startsWith(PREFIX + "/"))) {
            return ApiResponse.empty(404, "Not found");
        }
        String relative = decodePath(path.substring(PREFIX.length()));
        if (relative.isEmpty()) {
            relative = "/";
        }
        ApiRouter.Match match = router.find(request.method().equals("HEAD") ? "GET" : request.method(), relative);
        counter.count(match != null ? match.endpoint() : request.method() + " " + stripTrailingSlash(relative));
        try {
            // pveproxy's auth handler lets the login through unauthenticated.
            boolean login = match != null && match.endpoint().endsWith(" /access/ticket");
            String user = login ? null : authenticator.authenticate(request);
            if (match == null) {
                throw ApiException.notImplemented(request.method(), stripTrailingSlash(relative));
            }
            Map<String, String> params = RequestParams.extract(request.header("content-type"), request.body(),
                    request.rawQuery());
            Map<String, String> conflicts = new LinkedHashMap<>();
            match.pathParams().forEach((name, value) -> {
                String repeated = params.remove(name);
                if (repeated != null && !repeated.equals(value)) {
                    conflicts.put(name, "duplicate parameter (already defined in URI) with conflicting values!");
                }
            });
            if (!conflicts.isEmpty()) {
                throw ApiException.params(conflicts);
            }
            pathChecks.check(match.pathParams());
            if (user != null) {
                permissions.check(match.endpoint(), match.pathParams(), params, user);
            }
            Object result = match.handler().handle(new ApiCall(request.method(), relative, match.pathParams(), params, user));
            if (user != null) {
                result = permissions.filter(match.endpoint(), result, user);
            }
            Reply reply = result instanceof Reply r ? r : Reply.of(result);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("data", reply.data());
            if (reply.total() != null) {
                body.put("total", reply.total());
            }
            return ApiResponse.json(200, "OK", json.writeValueAsBytes(body));
        } catch (ApiException e) {
            if (e.status() >= 500 || e.status() == 401) {
                LOG.log(Level.FINE, () -> request.method() + " " + request.rawPath() + " -> " + e.status() + " " + e.getMessage());
            }
            return error(e);
        } catch (JsonProcessingException e) {
            LOG.log(Level.WARNING, "cannot render response", e);
            return ApiResponse.empty(500, "Internal Server Error");
        }
    }

    private ApiResponse error(ApiException e) {
        if (e.emptyBody()) {
            return ApiResponse.empty(e.status(), e.getMessage());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("data", null);
        if (!e.errors().isEmpty()) {
            body.put("errors", e.errors());
        }
        if (messageInErrorBody) {
            body.put("message", e.getMessage().endsWith("\n") ? e.getMessage() : e.getMessage() + "\n");
        }
        try {
            return ApiResponse.json(e.status(), e.getMessage(), json.writeValueAsBytes(body));
        } catch (JsonProcessingException impossible) {
            return ApiResponse.empty(e.status(), e.getMessage());
        }
    }

    // Segments are decoded one by one so an encoded '!' (bpg sends root@pam%21build in UPIDs) reaches handlers decoded.
    private static String decodePath(String raw) {
        StringBuilder out = new StringBuilder();
        for (String segment : raw.split("/", -1)) {
            if (out.length() > 0 || !segment.isEmpty()) {
                out.append('/');
            }
            out.append(RequestParams.percentDecode(segment, false));
        }
        return out.toString().replaceAll("/+", "/");
    }

    private static String stripTrailingSlash(String p) {
        return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }
}
