package dev.fleetplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Renders the adapter's read API for {@code fleetplane vm list|status|config}; pure. */
final class VmTable {

    private static final List<String> HEADER = List.of("VMID", "NAME", "NODE", "TYPE", "STATUS", "TEMPLATE", "CORES",
            "MEMORY", "DISK", "UPTIME", "TAGS");

    private VmTable() {
    }

    /** {@code GET /api/v1/vms} as an aligned table, one guest a line, like {@code fleetplane inventory}. */
    static String list(JsonNode guests) {
        List<List<String>> lines = new ArrayList<>();
        lines.add(HEADER);
        for (JsonNode g : guests) {
            String lock = g.path("lock").asText("");
            lines.add(List.of(g.path("vmid").asText(), orDash(g.path("name").asText("")), orDash(g.path("node").asText("")),
                    g.path("type").asText("qemu"),
                    g.path("status").asText() + (lock.isEmpty() ? "" : " (lock: " + lock + ")"),
                    g.path("template").asBoolean() ? "yes" : "no",
                    g.path("maxcpu").asInt() > 0 ? g.path("maxcpu").asText() : "-",
                    InventoryTable.size(g.path("maxmem").asLong()), InventoryTable.size(g.path("maxdisk").asLong()),
                    uptime(g.path("uptime").asLong()), tags(g.path("tags"))));
        }
        return Columns.align(lines);
    }

    /** {@code GET /api/v1/vms/{vmid}/status} as {@code key: value} lines under a title line. */
    static String status(JsonNode s) {
        String lock = s.path("lock").asText("");
        StringBuilder sb = new StringBuilder();
        sb.append(s.path("name").asText("-")).append(" (VMID ").append(s.path("vmid").asInt()).append(" on ")
                .append(s.path("node").asText()).append(")").append(System.lineSeparator());
        List<List<String>> lines = new ArrayList<>();
        String qmp = s.path("qmpstatus").asText("");
        lines.add(List.of("status:", s.path("status").asText() + (qmp.isEmpty() || qmp.equals(s.path("status").asText())
                ? "" : " (qmp: " + qmp + ")")));
        lines.add(List.of("uptime:", uptime(s.path("uptime").asLong())));
        lines.add(List.of("lock:", lock.isEmpty() ? "-" : lock));
        lines.add(List.of("agent:", s.path("agent").asBoolean() ? "enabled" : "disabled"));
        lines.add(List.of("template:", s.path("template").asBoolean() ? "yes" : "no"));
        lines.add(List.of("cores:", s.path("maxcpu").asInt() > 0 ? s.path("maxcpu").asText() : "-"));
        lines.add(List.of("memory:", InventoryTable.size(s.path("maxmem").asLong())));
        lines.add(List.of("disk:", InventoryTable.size(s.path("maxdisk").asLong())));
        lines.add(List.of("tags:", tags(s.path("tags"))));
        return sb.append(Columns.align(lines)).toString();
    }

    /** The config's keys sorted, one {@code key = value} a line (like {@code qm config}, with the separator of tofu). */
    static String config(JsonNode answer) {
        Map<String, String> sorted = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = answer.path("config").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            sorted.put(e.getKey(), e.getValue().asText());
        }
        StringBuilder sb = new StringBuilder();
        sorted.forEach((k, v) -> sb.append(k).append(" = ").append(v).append(System.lineSeparator()));
        return sb.toString();
    }

    /** {@code 3d 4h}, {@code 2h 5m}, {@code 4m 10s}, {@code 12s}; 0 (stopped or unknown) as {@code -}. */
    static String uptime(long seconds) {
        if (seconds <= 0) {
            return "-";
        }
        long d = seconds / 86_400;
        long h = seconds % 86_400 / 3600;
        long m = seconds % 3600 / 60;
        long s = seconds % 60;
        if (d > 0) {
            return d + "d " + h + "h";
        }
        if (h > 0) {
            return h + "h " + m + "m";
        }
        return m > 0 ? m + "m " + s + "s" : s + "s";
    }

    private static String tags(JsonNode tags) {
        List<String> out = new ArrayList<>();
        tags.forEach(t -> out.add(t.asText()));
        return out.isEmpty() ? "-" : String.join(";", out);
    }

    private static String orDash(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }

}
