package dev.fleetplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders the planner's host list as an aligned table, the way {@code fleetplane status} and the demo show it:
 * the lifecycle state and the two conditions ({@code Ready}, {@code Reconciled}) as {@code True/Reason}.
 */
final class HostTable {

    private static final String[] HEADER = {"HOST", "VMID", "IP", "STATE", "READY", "RECONCILED", "TIME", "REASON"};

    private HostTable() {
    }

    static String render(JsonNode hosts) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of(HEADER));
        for (JsonNode h : hosts) {
            rows.add(List.of(
                    h.path("host").asText(),
                    h.path("vmid").asText("-"),
                    text(h, "ip"),
                    h.path("state").asText(),
                    condition(h, "Ready"),
                    condition(h, "Reconciled"),
                    h.hasNonNull("secondsTaken") ? String.format("%.1fs", h.get("secondsTaken").asDouble()) : "-",
                    reason(h)));
        }
        return Columns.align(rows);
    }

    /** {@code True/HostReady}; {@code -} for a planner that does not report conditions. */
    static String condition(JsonNode h, String type) {
        for (JsonNode c : h.path("conditions")) {
            if (type.equals(c.path("type").asText())) {
                return c.path("status").asText() + "/" + c.path("reason").asText();
            }
        }
        return "-";
    }

    /** The failure (step: reason) or the note of a drifted / removed host. */
    private static String reason(JsonNode h) {
        String reason = text(h, "reason");
        String step = text(h, "step");
        return !step.equals("-") && !reason.equals("-") ? step + ": " + reason : reason;
    }

    private static String text(JsonNode h, String field) {
        return h.hasNonNull(field) && !h.get(field).asText().isEmpty() ? h.get(field).asText() : "-";
    }
}
