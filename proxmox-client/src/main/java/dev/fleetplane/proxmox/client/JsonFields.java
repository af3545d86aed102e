package dev.fleetplane.proxmox.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Lenient readers for Proxmox JSON: numbers may arrive as strings, booleans as 0/1, keys may be missing
 * or unknown. A value of the wrong kind raises {@link BadShape}, which the client reports as a bad response.
 */
final class JsonFields {

    /** A field that exists but cannot be read as the type Proxmox documents. */
    static final class BadShape extends RuntimeException {
        BadShape(String message) {
            super(message);
        }
    }

    private JsonFields() {
    }

    static String text(JsonNode obj, String key) {
        JsonNode v = obj.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isValueNode()) {
            return v.asText();
        }
        throw new BadShape("'" + key + "' should be a string, got " + v.getNodeType());
    }

    static String text(JsonNode obj, String key, String fallback) {
        String v = text(obj, key);
        return v == null ? fallback : v;
    }

    static long longValue(JsonNode obj, String key, long fallback) {
        JsonNode v = obj.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (v.isNumber()) {
            return v.asLong();
        }
        if (v.isTextual()) {
            String s = v.asText().trim();
            if (s.isEmpty()) {
                return fallback;
            }
            try {
                return s.contains(".") ? (long) Double.parseDouble(s) : Long.parseLong(s);
            } catch (NumberFormatException e) {
                throw new BadShape("'" + key + "' should be a number, got \"" + s + "\"");
            }
        }
        if (v.isBoolean()) {
            return v.asBoolean() ? 1 : 0;
        }
        throw new BadShape("'" + key + "' should be a number, got " + v.getNodeType());
    }

    static int intValue(JsonNode obj, String key, int fallback) {
        long v = longValue(obj, key, fallback);
        if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
            throw new BadShape("'" + key + "' is out of range: " + v);
        }
        return (int) v;
    }

    /** Required integer: missing is a bad response. */
    static int requiredInt(JsonNode obj, String key) {
        if (!obj.hasNonNull(key)) {
            throw new BadShape("'" + key + "' is missing");
        }
        return intValue(obj, key, 0);
    }

    static boolean bool(JsonNode obj, String key) {
        JsonNode v = obj.get(key);
        if (v == null || v.isNull()) {
            return false;
        }
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        if (v.isNumber()) {
            return v.asLong() != 0;
        }
        if (v.isTextual()) {
            String s = v.asText().trim().toLowerCase();
            return s.equals("1") || s.equals("true") || s.equals("yes") || s.equals("on");
        }
        throw new BadShape("'" + key + "' should be 0/1, got " + v.getNodeType());
    }

    static JsonNode object(JsonNode node, String what) {
        if (node == null || !node.isObject()) {
            throw new BadShape(what + " should be a JSON object, got " + kind(node));
        }
        return node;
    }

    static JsonNode array(JsonNode node, String what) {
        if (node == null || !node.isArray()) {
            throw new BadShape(what + " should be a JSON array, got " + kind(node));
        }
        return node;
    }

    /** Proxmox tags: {@code a;b} (also accepts {@code ,} and spaces). */
    static List<String> tags(String raw) {
        if (raw == null || raw.isBlank()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        Arrays.stream(raw.split("[;,\\s]+")).filter(s -> !s.isBlank()).forEach(out::add);
        return List.copyOf(out);
    }

    static String kind(JsonNode node) {
        return node == null ? "nothing" : node.getNodeType().toString().toLowerCase();
    }
}
