package dev.fleetplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Renders the planner's host list as an aligned table, the way {@code fleetplane status} and the demo show it. */
final class HostTable {

    private static final String[] HEADER = {"HOST", "VMID", "IP", "STATE", "TIME", "REASON"};

    private HostTable() {
    }

    static String render(JsonNode hosts) {
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        for (JsonNode h : hosts) {
            rows.add(new String[] {
                    h.path("host").asText(),
                    h.path("vmid").asText("-"),
                    text(h, "ip"),
                    h.path("state").asText(),
                    h.hasNonNull("secondsTaken") ? String.format("%.1fs", h.get("secondsTaken").asDouble()) : "-",
                    text(h, "reason")});
        }
        int[] width = new int[HEADER.length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                sb.append(i == r.length - 1 ? r[i] : String.format("%-" + (width[i] + 2) + "s", r[i]));
            }
            sb.append(System.lineSeparator());
        }
        return sb.toString();
    }

    private static String text(JsonNode h, String field) {
        return h.hasNonNull(field) && !h.get(field).asText().isEmpty() ? h.get(field).asText() : "-";
    }
}
