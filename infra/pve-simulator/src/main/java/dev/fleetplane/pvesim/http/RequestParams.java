package dev.fleetplane.pvesim.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Extracts request parameters as pve-http-server does: form-urlencoded or JSON body, query string merged on top.
 * Every value becomes a string, because the Proxmox schema checks types on strings ({@code true} becomes "1").
 */
public final class RequestParams {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RequestParams() {
    }

    public static Map<String, String> extract(String contentType, byte[] body, String rawQuery) {
        Map<String, String> params = new LinkedHashMap<>();
        if (body != null && body.length > 0) {
            String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
            if (type.startsWith("application/json")) {
                params.putAll(parseJson(body));
            } else {
                // pveproxy treats any other body of a POST/PUT as form data (clients often omit the header)
                params.putAll(parseForm(new String(body, StandardCharsets.UTF_8)));
            }
        }
        if (rawQuery != null && !rawQuery.isEmpty()) {
            params.putAll(parseForm(rawQuery));
        }
        return params;
    }

    /** {@code a=1&b=x+y%21}; a repeated key keeps its last value; a key without '=' gets the empty string. */
    public static Map<String, String> parseForm(String encoded) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : encoded.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = percentDecode(eq < 0 ? pair : pair.substring(0, eq), true);
            String value = eq < 0 ? "" : percentDecode(pair.substring(eq + 1), true);
            out.put(key, value);
        }
        return out;
    }

    static Map<String, String> parseJson(byte[] body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw ApiException.of(400, "unable to parse JSON request body: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiException.of(400, "unable to parse JSON request body: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw ApiException.of(400, "unable to parse JSON request body: expected a JSON object");
        }
        Map<String, String> out = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = root.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String value = scalar(field.getKey(), field.getValue());
            if (value != null) {
                out.put(field.getKey(), value);
            }
        }
        return out;
    }

    private static String scalar(String key, JsonNode node) {
        if (node.isNull()) {
            return null;
        }
        if (node.isBoolean()) {
            return node.booleanValue() ? "1" : "0";
        }
        if (node.isValueNode()) {
            return node.asText();
        }
        if (node.isArray()) { // e.g. delete: ["a","b"]
            StringBuilder joined = new StringBuilder();
            for (JsonNode item : node) {
                if (!item.isValueNode()) {
                    throw ApiException.param(key, "nested objects are not allowed");
                }
                if (joined.length() > 0) {
                    joined.append(',');
                }
                joined.append(item.isBoolean() ? (item.booleanValue() ? "1" : "0") : item.asText());
            }
            return joined.toString();
        }
        throw ApiException.param(key, "nested objects are not allowed");
    }

    /**
     * Percent-decodes UTF-8. {@code plusIsSpace} for form data only; paths keep '+' (a UPID never has one, but
     * a literal '+' in a path must stay a '+'). Malformed escapes are kept verbatim rather than rejected.
     */
    public static String percentDecode(String s, boolean plusIsSpace) {
        if (s.indexOf('%') < 0 && (!plusIsSpace || s.indexOf('+') < 0)) {
            return s;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() && isHex(s.charAt(i + 1)) && isHex(s.charAt(i + 2))) {
                bytes.write(Character.digit(s.charAt(i + 1), 16) * 16 + Character.digit(s.charAt(i + 2), 16));
                i += 2;
            } else if (c == '+' && plusIsSpace) {
                bytes.write(' ');
            } else {
                byte[] raw = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < s.length()) {
                    raw = s.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                bytes.write(raw, 0, raw.length);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }
}
