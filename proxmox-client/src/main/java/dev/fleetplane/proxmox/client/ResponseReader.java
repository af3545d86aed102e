package dev.fleetplane.proxmox.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleetplane.proxmox.client.PveException.Failure;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Turns one HTTP answer of Proxmox into its {@code data} or a typed {@link PveException}. Pure: the
 * client hands in status, reason phrase and body. Proxmox puts its error text in the reason phrase
 * (and, since libpve-http-server-perl 5.2, in {@code message}), parameter errors in {@code errors}.
 */
final class ResponseReader {

    static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true);

    private ResponseReader() {
    }

    /** The whole envelope ({@code data}, {@code total}, ...) of a successful answer. */
    static JsonNode envelope(PveCall call, int status, String reason, String body) {
        if (status >= 400 || status < 200) {
            throw failure(call, status, reason, body);
        }
        if (body == null || body.isBlank()) {
            throw bad(call, status, "an empty body instead of {\"data\":...}");
        }
        String trimmed = body.stripLeading();
        if (trimmed.startsWith("<")) {
            throw bad(call, status, "HTML instead of JSON (is the URL the API root /api2/json?): " + snippet(body));
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw bad(call, status, "unreadable JSON (" + e.getOriginalMessage() + "): " + snippet(body));
        }
        if (root == null || !root.isObject() || !root.has("data")) {
            throw bad(call, status, "JSON without the {\"data\":...} envelope: " + snippet(body));
        }
        return root;
    }

    /** Maps an error answer to its failure kind; the text is the reason phrase or {@code message}. */
    static PveException failure(PveCall call, int status, String reason, String body) {
        JsonNode root = null;
        if (body != null && !body.isBlank() && body.stripLeading().startsWith("{")) {
            try {
                root = MAPPER.readTree(body);
            } catch (JsonProcessingException ignored) {
                // pveproxy's own errors have plain-text or empty bodies; the reason phrase still tells.
            }
        }
        String message = null;
        Map<String, String> errors = new LinkedHashMap<>();
        if (root != null && root.isObject()) {
            JsonNode m = root.get("message");
            if (m != null && m.isTextual()) {
                message = m.asText().strip();
            }
            JsonNode e = root.get("errors");
            if (e != null && e.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> it = e.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> f = it.next();
                    errors.put(f.getKey(), f.getValue().isTextual() ? f.getValue().asText().strip() : f.getValue().toString());
                }
            }
        } else if (body != null && !body.isBlank() && !body.stripLeading().startsWith("<") && body.length() < 1000) {
            message = body.strip();
        }
        String text = pick(message, reason);
        String lower = (text + " " + String.join(" ", errors.values())).toLowerCase(Locale.ROOT);
        Failure kind = classify(status, lower, errors);
        StringBuilder msg = new StringBuilder();
        msg.append(call.operation()).append(" failed: ").append(call.method()).append(' ').append(call.url())
                .append(" answered ").append(status);
        if (!text.isEmpty()) {
            msg.append(" '").append(text).append('\'');
        }
        if (!errors.isEmpty()) {
            msg.append("; parameter errors: ");
            errors.forEach((k, v) -> msg.append(k).append(": ").append(v).append("; "));
            msg.setLength(msg.length() - 2);
        }
        switch (kind) {
            case UNAUTHORIZED -> msg.append(" — Proxmox rejected API token '").append(call.tokenId())
                    .append("': check the token id and secret, and that the token is not expired or deleted");
            case FORBIDDEN -> msg.append(" — token '").append(call.tokenId())
                    .append("' lacks the privilege (token without ACLs? Proxmox tokens have privilege separation:"
                            + " grant the ACL to the token itself, or create it with --privsep 0)");
            default -> { }
        }
        return new PveException(kind, call.operation(), call.url(), status, text, errors, msg.toString(), null);
    }

    static Failure classify(int status, String lower, Map<String, String> errors) {
        if (status == 401) {
            return Failure.UNAUTHORIZED;
        }
        if (status == 403) {
            return Failure.FORBIDDEN;
        }
        if (lower.contains("already exists")) {
            return Failure.ALREADY_EXISTS;
        }
        if (status == 404 || status == 501 || lower.contains("does not exist") || lower.contains("no such file")
                || lower.contains("no such task") || lower.contains("no such vm")) {
            return Failure.NOT_FOUND;
        }
        if (lower.contains("no qemu guest agent configured")) {
            return Failure.AGENT_NOT_CONFIGURED;
        }
        if (lower.contains("guest agent is not running") || lower.contains("qga command")
                || lower.contains("qemu guest agent is not")) {
            return Failure.AGENT_NOT_RUNNING;
        }
        if (lower.matches(".*\\bvm \\d+ (is )?not running.*")) {
            return Failure.VM_NOT_RUNNING;
        }
        if (lower.contains("can't lock file") || lower.contains("vm is locked") || lower.contains("cfs-lock")
                || lower.contains("got lock request timeout")) {
            return Failure.LOCKED;
        }
        if (status == 400 || !errors.isEmpty()) {
            return Failure.INVALID_PARAMETER;
        }
        if (status >= 500) {
            return Failure.TRANSIENT;
        }
        return Failure.BAD_RESPONSE;
    }

    static PveException bad(PveCall call, int status, String what) {
        return new PveException(Failure.BAD_RESPONSE, call.operation(), call.url(), status, what, Map.of(),
                call.operation() + " failed: " + call.method() + " " + call.url() + " answered " + status + " with "
                        + what, null);
    }

    private static String pick(String message, String reason) {
        if (message != null && !message.isBlank()) {
            return message;
        }
        return reason == null ? "" : reason.strip();
    }

    static String snippet(String body) {
        String s = body.replaceAll("\\s+", " ").strip();
        return s.length() > 120 ? s.substring(0, 120) + "..." : s;
    }
}
