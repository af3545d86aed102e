package dev.fleetplane.proxmox.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * One storage of {@code GET /nodes/{node}/storage} (only those the caller may audit are listed).
 *
 * @param content what it may hold ({@code images}, {@code rootdir}, {@code iso}, {@code backup}, …)
 */
public record NodeStorage(String storage, String type, List<String> content, boolean active, boolean enabled,
                          boolean shared, long totalBytes, long availBytes) {

    public boolean holds(String contentType) {
        return content.contains(contentType);
    }

    static List<NodeStorage> listFrom(JsonNode data) {
        JsonFields.array(data, "storage list");
        List<NodeStorage> out = new ArrayList<>();
        for (JsonNode e : data) {
            JsonFields.object(e, "a storage entry");
            String storage = JsonFields.text(e, "storage");
            if (storage == null) {
                throw new JsonFields.BadShape("'storage' is missing");
            }
            // 'enabled' and 'active' are left out by older releases for an enabled, active storage
            out.add(new NodeStorage(storage, JsonFields.text(e, "type", ""),
                    JsonFields.tags(JsonFields.text(e, "content", "")), !e.has("active") || JsonFields.bool(e, "active"),
                    !e.has("enabled") || JsonFields.bool(e, "enabled"), JsonFields.bool(e, "shared"),
                    JsonFields.longValue(e, "total", 0), JsonFields.longValue(e, "avail", 0)));
        }
        return List.copyOf(out);
    }
}
