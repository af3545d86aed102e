package dev.fleetplane.console.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetplane.events.Json;
import java.util.Iterator;
import java.util.Set;

/**
 * A client's control message (a WebSocket text message; console-gateway/DESIGN.md, "Client protocol"), read strictly:
 * an unknown type, a missing or wrong field is refused naming it. Input bytes are binary messages, never these.
 */
public sealed interface ClientMessage {

    /** The first message: the bearer token and, optionally, the client's terminal size. */
    record Auth(String token, int cols, int rows) implements ClientMessage {
        @Override
        public String toString() {
            return "Auth[token=<hidden>, cols=" + cols + ", rows=" + rows + "]";
        }
    }

    record Resize(int cols, int rows) implements ClientMessage {
    }

    record Take() implements ClientMessage {
    }

    record Release() implements ClientMessage {
    }

    record Ping() implements ClientMessage {
    }

    /** Why a text message was refused; the message never quotes the token. */
    final class Invalid extends Exception {
        public Invalid(String message) {
            super(message);
        }
    }

    int DEFAULT_COLS = 80;
    int DEFAULT_ROWS = 24;

    static ClientMessage parse(String text) throws Invalid {
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            // A refusal of Jackson's limits (nesting deeper than 1000) has no location: it is said in words instead.
            String where = e.getLocation() == null ? Json.problem(e)
                    : "line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new Invalid("a control message must be a JSON object; this one is not JSON (" + where + ")");
        }
        if (n == null || !n.isObject()) {
            throw new Invalid("a control message must be a JSON object");
        }
        JsonNode type = n.get("type");
        if (type == null || !type.isTextual()) {
            throw new Invalid("a control message needs a string field 'type' (auth, resize, take, release, ping)");
        }
        return switch (type.asText()) {
            case "auth" -> {
                only(n, "auth", Set.of("type", "token", "cols", "rows"));
                JsonNode token = n.get("token");
                if (token == null || !token.isTextual() || token.asText().isEmpty()) {
                    throw new Invalid("auth: 'token' must be a non-empty string");
                }
                yield new Auth(token.asText(), size(n, "auth", "cols", DEFAULT_COLS), size(n, "auth", "rows",
                        DEFAULT_ROWS));
            }
            case "resize" -> {
                only(n, "resize", Set.of("type", "cols", "rows"));
                if (!n.has("cols") || !n.has("rows")) {
                    throw new Invalid("resize: needs both 'cols' and 'rows'");
                }
                yield new Resize(size(n, "resize", "cols", 0), size(n, "resize", "rows", 0));
            }
            case "take" -> {
                only(n, "take", Set.of("type"));
                yield new Take();
            }
            case "release" -> {
                only(n, "release", Set.of("type"));
                yield new Release();
            }
            case "ping" -> {
                only(n, "ping", Set.of("type"));
                yield new Ping();
            }
            default -> throw new Invalid("unknown control message type '" + abbreviate(type.asText())
                    + "'; known: auth, resize, take, release, ping");
        };
    }

    private static void only(JsonNode n, String type, Set<String> allowed) throws Invalid {
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw new Invalid(type + ": unknown field '" + abbreviate(f) + "'");
            }
        }
    }

    private static int size(JsonNode n, String type, String field, int absent) throws Invalid {
        JsonNode v = n.get(field);
        if (v == null) {
            return absent;
        }
        if (!v.isInt() || v.asInt() < 1 || v.asInt() > 65535) {
            throw new Invalid(type + ": '" + field + "' must be a whole number from 1 to 65535, got "
                    + abbreviate(v.toString()));
        }
        return v.asInt();
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
