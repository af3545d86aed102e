package dev.fleetplane.proxmox.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** {@code GET /nodes/{node}/tasks/{upid}/log}: numbered lines and the total line count. */
public record TaskLog(List<Line> lines, int total) {

    /** One log line; {@code n} counts from 1. */
    public record Line(int n, String text) {
    }

    public TaskLog {
        lines = List.copyOf(lines);
    }

    public List<String> texts() {
        return lines.stream().map(Line::text).toList();
    }

    static TaskLog from(JsonNode root, JsonNode data) {
        JsonFields.array(data, "task log");
        List<Line> out = new ArrayList<>();
        for (JsonNode l : data) {
            JsonFields.object(l, "a task log line");
            out.add(new Line(JsonFields.intValue(l, "n", out.size() + 1), JsonFields.text(l, "t", "")));
        }
        int total = root != null && root.isObject() ? JsonFields.intValue(root, "total", out.size()) : out.size();
        return new TaskLog(out, total);
    }
}
