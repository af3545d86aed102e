package dev.fleetplane.pvesim.http;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** An API failure rendered the way pve-http-server renders it: status, reason phrase, optional per-parameter errors. */
public final class ApiException extends RuntimeException {

    public static final String PARAMETER_VERIFICATION_FAILED = "Parameter verification failed.";

    private final int status;
    private final Map<String, String> errors;
    private final boolean emptyBody;

    private ApiException(int status, String message, Map<String, String> errors, boolean emptyBody) {
        super(message, null, false, false);
        this.status = status;
        this.errors = errors == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(errors));
        this.emptyBody = emptyBody;
    }

    /** A plain {@code die "text\n"} in a handler: HTTP 500 with the text. */
    public static ApiException internal(String message) {
        return new ApiException(500, message, null, false);
    }

    /** {@code raise_param_exc}: HTTP 400 "Parameter verification failed." with the reasons per parameter. */
    public static ApiException params(Map<String, String> errors) {
        return new ApiException(400, PARAMETER_VERIFICATION_FAILED, errors, false);
    }

    public static ApiException param(String name, String why) {
        return params(Map.of(name, why));
    }

    /** pveproxy's own 401s carry the reason only in the status line and have an empty body. */
    public static ApiException unauthorized(String reason) {
        return new ApiException(401, reason, null, true);
    }

    public static ApiException notImplemented(String method, String relativePath) {
        return new ApiException(501, "Method '" + method + " " + relativePath + "' not implemented", null, false);
    }

    public static ApiException of(int status, String message) {
        return new ApiException(status, message, null, false);
    }

    public int status() {
        return status;
    }

    public Map<String, String> errors() {
        return errors;
    }

    public boolean emptyBody() {
        return emptyBody;
    }
}
