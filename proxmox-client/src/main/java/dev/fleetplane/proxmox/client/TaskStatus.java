package dev.fleetplane.proxmox.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Pattern;

/**
 * {@code GET /nodes/{node}/tasks/{upid}/status}.
 *
 * @param status     {@code running} or {@code stopped}
 * @param exitStatus present once stopped: {@code OK}, {@code WARNINGS: n}, or the error text
 */
public record TaskStatus(String upid, String node, String type, String id, String user, String tokenId,
                         String status, String exitStatus) {

    private static final Pattern WARNINGS = Pattern.compile("^WARNINGS: \\d+$");

    public boolean running() {
        return "running".equals(status);
    }

    /** Stopped with {@code OK} or {@code WARNINGS: n}; warnings are success, as Proxmox itself counts them. */
    public boolean succeeded() {
        return !running() && exitStatus != null && (exitStatus.equals("OK") || WARNINGS.matcher(exitStatus).matches());
    }

    static TaskStatus from(JsonNode data) {
        JsonFields.object(data, "task status");
        String status = JsonFields.text(data, "status");
        if (status == null) {
            throw new JsonFields.BadShape("task status has no 'status'");
        }
        return new TaskStatus(JsonFields.text(data, "upid", ""), JsonFields.text(data, "node", ""),
                JsonFields.text(data, "type", ""), JsonFields.text(data, "id", ""), JsonFields.text(data, "user", ""),
                JsonFields.text(data, "tokenid"), status, JsonFields.text(data, "exitstatus"));
    }
}
