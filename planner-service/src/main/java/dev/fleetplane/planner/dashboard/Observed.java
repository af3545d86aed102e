package dev.fleetplane.planner.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the newest inventory saw of a host's VM, in the spec's words ({@code cores}, {@code memory} in MiB,
 * {@code disk} like {@code 32G}) so the dashboard can put it beside the desired attributes. Pure.
 */
public final class Observed {

    private static final long MIB = 1024L * 1024;
    private static final long GIB = MIB * 1024;

    private Observed() {
    }

    /**
     * The VM {@code vmid} on {@code node} in the newest inventory (of {@code newestFirst}) that lists it; null when
     * none does.
     */
    public static Map<String, Object> of(List<DashboardStore.Inventory> newestFirst, int vmid, String node) {
        for (DashboardStore.Inventory inv : newestFirst) {
            for (JsonNode vm : inv.data().path("vms")) {
                if (vm.path("vmid").asInt(-1) == vmid && !vm.path("template").asBoolean(false)
                        && (node == null || node.equals(vm.path("node").asText(node)))) {
                    return view(vm, inv.seenAt());
                }
            }
        }
        return null;
    }

    static Map<String, Object> view(JsonNode vm, OffsetDateTime seenAt) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("vmid", vm.path("vmid").asInt());
        out.put("name", text(vm, "name"));
        out.put("node", text(vm, "node"));
        out.put("status", text(vm, "status"));
        out.put("cores", vm.path("cores").asInt());
        long memory = vm.path("memoryBytes").asLong();
        out.put("memory", memory / MIB);
        out.put("disk", disk(vm.path("diskBytes").asLong()));
        if (vm.path("tags").isArray() && !vm.path("tags").isEmpty()) {
            out.put("tags", vm.path("tags"));
        }
        if (vm.hasNonNull("lock")) {
            out.put("lock", vm.get("lock").asText());
        }
        out.put("seenAt", seenAt);
        return out;
    }

    /** {@code 32G} for whole GiB, else {@code 1536M}; null for an unknown size. */
    static String disk(long bytes) {
        if (bytes <= 0) {
            return null;
        }
        return bytes % GIB == 0 ? bytes / GIB + "G" : bytes / MIB + "M";
    }

    private static String text(JsonNode n, String field) {
        return n.hasNonNull(field) ? n.get(field).asText() : null;
    }
}
