package dev.fleetplane.proxmox.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * One entry of {@code GET /nodes/{node}/storage/{storage}/content}: a VM disk ({@code images}), a backup, an iso, an
 * import image, … Lenient: numbers may arrive as strings, optional keys may be absent, unknown keys are ignored.
 *
 * @param size  bytes (0 when absent)
 * @param ctime creation time, epoch seconds (0 when absent)
 * @param vmid  owner VM for disks and backups; null otherwise
 */
public record StorageVolume(String volid, String content, String format, long size, long ctime, Integer vmid,
                            String notes, String parent, boolean isProtected) {

    static StorageVolume from(JsonNode e) {
        JsonFields.object(e, "storage content entry");
        String volid = JsonFields.text(e, "volid");
        if (volid == null || volid.isBlank()) {
            throw new JsonFields.BadShape("storage content entry without 'volid'");
        }
        Integer vmid = e.hasNonNull("vmid") ? JsonFields.intValue(e, "vmid", 0) : null;
        // 'content' is in every real answer; older volids still tell it by their directory (local:iso/…)
        String content = JsonFields.text(e, "content", contentFromVolid(volid));
        return new StorageVolume(volid, content, JsonFields.text(e, "format", ""), JsonFields.longValue(e, "size", 0),
                JsonFields.longValue(e, "ctime", 0), vmid, JsonFields.text(e, "notes"), JsonFields.text(e, "parent"),
                JsonFields.bool(e, "protected"));
    }

    static List<StorageVolume> listFrom(JsonNode data) {
        JsonFields.array(data, "storage content");
        List<StorageVolume> out = new ArrayList<>();
        for (JsonNode e : data) {
            out.add(from(e));
        }
        return List.copyOf(out);
    }

    private static String contentFromVolid(String volid) {
        int colon = volid.indexOf(':');
        int slash = volid.indexOf('/', colon + 1);
        if (colon > 0 && slash > colon) {
            String dir = volid.substring(colon + 1, slash);
            if (List.of("iso", "vztmpl", "backup", "import", "snippets").contains(dir)) {
                return dir;
            }
        }
        return "images";
    }
}
