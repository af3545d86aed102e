package dev.fleetplane.planner.eventlog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Iterator;
import java.util.Map;

/**
 * An event as PostgreSQL can store it: its text and jsonb refuse the NUL character, so an event carrying one (a
 * guest's rebuild output, a hostile record) failed its insert and went to the DLQ, a hole in the audit trail. Each
 * NUL becomes {@value #SHOWN} (U+2400, SYMBOL FOR NULL); the record on Kafka keeps the original. Pure.
 */
final class NulFree {

    /** What a NUL is stored as. */
    static final String SHOWN = "\u2400";

    private NulFree() {
    }

    static String text(String s) {
        return s == null || s.indexOf('\0') < 0 ? s : s.replace("\0", SHOWN);
    }

    /** The tree itself when it has no NUL (the usual case, no copy), else a copy without. */
    static JsonNode tree(JsonNode node) {
        return node == null || !hasNul(node) ? node : copy(node);
    }

    private static boolean hasNul(JsonNode node) {
        if (node.isTextual()) {
            return node.textValue().indexOf('\0') >= 0;
        }
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (f.getKey().indexOf('\0') >= 0 || hasNul(f.getValue())) {
                    return true;
                }
            }
        } else if (node.isArray()) {
            for (JsonNode child : node) {
                if (hasNul(child)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static JsonNode copy(JsonNode node) {
        if (node.isTextual()) {
            return TextNode.valueOf(text(node.textValue()));
        }
        if (node.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            node.fields().forEachRemaining(f -> out.set(text(f.getKey()), copy(f.getValue())));
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            node.forEach(child -> out.add(copy(child)));
            return out;
        }
        return node;
    }
}
