package dev.fleetplane.proxmox.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * One guest of {@code GET /cluster/resources?type=vm}.
 *
 * @param type {@code qemu} or {@code lxc}
 * @param lock          the lock ({@code clone}, {@code backup}, ...) or null when unlocked
 * @param uptimeSeconds 0 when stopped (or when the answer has none)
 */
public record ClusterVm(String id, String type, int vmid, String name, String node, String status, boolean template,
                        int maxCpu, long maxMemBytes, long maxDiskBytes, List<String> tags, String lock,
                        long uptimeSeconds) {

    /** Without uptime (callers written before it was read). */
    public ClusterVm(String id, String type, int vmid, String name, String node, String status, boolean template,
                     int maxCpu, long maxMemBytes, long maxDiskBytes, List<String> tags, String lock) {
        this(id, type, vmid, name, node, status, template, maxCpu, maxMemBytes, maxDiskBytes, tags, lock, 0);
    }

    public boolean isQemu() {
        return "qemu".equals(type);
    }

    /**
     * The guests of a {@code /cluster/resources} answer's {@code data} array (also what {@code pvesh get
     * /cluster/resources --type vm --output-format json} prints on a node); other entries are skipped.
     *
     * @throws IllegalArgumentException naming the field when the shape is not Proxmox's
     */
    public static List<ClusterVm> parseList(JsonNode data) {
        try {
            return listFrom(data);
        } catch (JsonFields.BadShape e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    static List<ClusterVm> listFrom(JsonNode data) {
        JsonFields.array(data, "cluster resources");
        List<ClusterVm> out = new ArrayList<>();
        for (JsonNode e : data) {
            JsonFields.object(e, "a cluster resource entry");
            String type = JsonFields.text(e, "type", "");
            // type=vm returns guests only, but an unfiltered answer mixes nodes and storages: skip them.
            if (!type.equals("qemu") && !type.equals("lxc")) {
                continue;
            }
            out.add(new ClusterVm(JsonFields.text(e, "id", type + "/" + JsonFields.text(e, "vmid", "")), type,
                    JsonFields.requiredInt(e, "vmid"), JsonFields.text(e, "name", ""), JsonFields.text(e, "node", ""),
                    JsonFields.text(e, "status", "unknown"), JsonFields.bool(e, "template"),
                    JsonFields.intValue(e, "maxcpu", 0), JsonFields.longValue(e, "maxmem", 0),
                    JsonFields.longValue(e, "maxdisk", 0), JsonFields.tags(JsonFields.text(e, "tags")),
                    JsonFields.text(e, "lock"), JsonFields.longValue(e, "uptime", 0)));
        }
        return List.copyOf(out);
    }
}
