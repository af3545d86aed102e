package dev.fleetplane.pvesim.http;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * One authenticated API call: path and body parameters, and a schema check that collects every parameter error
 * before failing, as {@code PVE::JSONSchema::validate} does.
 */
public final class ApiCall {

    private static final Pattern INTEGER = Pattern.compile("-?\\d+");

    private final String method;
    private final String relativePath;
    private final Map<String, String> pathParams;
    private final Map<String, String> params;
    private final String user;
    private final Map<String, String> errors = new LinkedHashMap<>();

    public ApiCall(String method, String relativePath, Map<String, String> pathParams, Map<String, String> params,
                   String user) {
        this.method = method;
        this.relativePath = relativePath;
        this.pathParams = Map.copyOf(pathParams);
        this.params = params;
        this.user = user;
    }

    public String method() {
        return method;
    }

    public String relativePath() {
        return relativePath;
    }

    /** The authenticated user as a UPID records it: {@code user@realm} or {@code user@realm!tokenid}. */
    public String user() {
        return user;
    }

    public String path(String name) {
        return pathParams.get(name);
    }

    /** Body and query parameters, without the path parameters. */
    public Map<String, String> params() {
        return params;
    }

    public boolean has(String name) {
        return params.containsKey(name);
    }

    /** Rejects parameters the endpoint's schema does not define (Proxmox schemas disallow additional properties). */
    public ApiCall allow(Predicate<String> known) {
        for (String name : params.keySet()) {
            if (!known.test(name)) {
                errors.put(name, "property is not defined in schema and the schema does not allow additional properties");
            }
        }
        return this;
    }

    public ApiCall allowOnly(String... names) {
        return allow(Arrays.asList(names)::contains);
    }

    public Optional<String> opt(String name) {
        return Optional.ofNullable(params.get(name));
    }

    public String require(String name) {
        String value = params.get(name);
        if (value == null || value.isEmpty()) {
            errors.put(name, "property is missing and it is not optional");
            return null;
        }
        return value;
    }

    public Integer optInt(String name, long min, long max) {
        String value = params.get(name);
        return value == null ? null : integer(name, value, min, max);
    }

    public Integer requireInt(String name, long min, long max) {
        String value = require(name);
        return value == null ? null : integer(name, value, min, max);
    }

    public boolean optBool(String name, boolean fallback) {
        String value = params.get(name);
        if (value == null) {
            return fallback;
        }
        Boolean parsed = parseBoolean(value);
        if (parsed == null) {
            errors.put(name, "type check ('boolean') failed - got '" + value + "'");
            return fallback;
        }
        return parsed;
    }

    public Integer integer(String name, String value, long min, long max) {
        if (!INTEGER.matcher(value).matches()) {
            errors.put(name, "type check ('integer') failed - got '" + value + "'");
            return null;
        }
        long n;
        try {
            n = Long.parseLong(value);
        } catch (NumberFormatException e) {
            errors.put(name, "type check ('integer') failed - got '" + value + "'");
            return null;
        }
        if (n < min) {
            errors.put(name, "value must have a minimum value of " + min);
            return null;
        }
        if (n > max) {
            errors.put(name, "value must have a maximum value of " + max);
            return null;
        }
        return (int) n;
    }

    public void error(String name, String why) {
        errors.putIfAbsent(name, why);
    }

    /** Throws the collected parameter errors, if any, as one 400 "Parameter verification failed.". */
    public void check() {
        if (!errors.isEmpty()) {
            throw ApiException.params(errors);
        }
    }

    /** Perl JSONSchema's boolean: 1|0|true|false|yes|no|on|off, case-insensitive. */
    public static Boolean parseBoolean(String value) {
        switch (value.toLowerCase(Locale.ROOT)) {
            case "1": case "true": case "yes": case "on":
                return true;
            case "0": case "false": case "no": case "off":
                return false;
            default:
                return null;
        }
    }
}
