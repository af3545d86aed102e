package dev.fleetplane.planner.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fleetplane.events.desired.SpecProblem;
import dev.fleetplane.plancore.spec.SpecLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies a {@link HostPatch} to a spec: latest spec JSON + patch → the next spec JSON (validated afterwards like
 * any spec). Pure; the input tree is never modified. Problems name the host and the attribute path.
 */
public final class SpecPatch {

    /** Attributes of a host's {@code proxmox} set that a patch may name without the {@code proxmox.} prefix. */
    static final Set<String> PROXMOX_ATTRIBUTES = Set.of("vmid", "cores", "memory", "disk", "storage", "name", "bios",
            "cpuType", "machine", "onBoot", "diskInterface", "cloneFromTemplate", "ignoreInit", "tags", "description",
            "ignoreChangesExtra", "readonly", "allowDestroy");

    /** The new spec, or why the patch does not apply. */
    public sealed interface Result {
    }

    /**
     * @param changed what changed, for logs and messages ({@code proxmox.cores = 8})
     * @param values  each changed value before and after, recorded with the spec version it makes
     */
    public record Patched(ObjectNode spec, List<String> changed, List<PatchedValue> values) implements Result {
    }

    /**
     * @param unknownHost the patch names a host the spec does not have
     */
    public record Refused(boolean unknownHost, List<SpecProblem> problems) implements Result {
    }

    private SpecPatch() {
    }

    public static Result apply(JsonNode latest, HostPatch patch) {
        String host = patch.host();
        String where = "hosts." + host;
        List<SpecProblem> problems = new ArrayList<>();
        if (host == null || host.isBlank()) {
            return new Refused(false, List.of(new SpecProblem("(patch)", "names no host")));
        }
        if (host.startsWith("_")) {
            return new Refused(false, List.of(new SpecProblem(host,
                    "keys starting with _ are settings, not hosts; a host patch cannot change them")));
        }
        if (latest == null || !latest.isObject() || !latest.has(host)) {
            return new Refused(true, List.of(new SpecProblem(where, "no such host in the fleet's latest spec")));
        }
        Map<String, JsonNode> set = patch.set() == null ? Map.of() : patch.set();
        if (patch.remove() && !set.isEmpty()) {
            return new Refused(false, List.of(new SpecProblem(where,
                    "a patch either removes the host or sets attributes, not both")));
        }
        ObjectNode next = latest.deepCopy();
        if (patch.remove()) {
            JsonNode removed = next.remove(host);
            return new Patched(next, List.of(host + " removed"), List.of(new PatchedValue(host, "", removed, null)));
        }
        if (set.isEmpty()) {
            return new Refused(false, List.of(new SpecProblem(where, "the patch changes nothing (empty set)")));
        }
        if (!next.get(host).isObject()) {
            return new Refused(false, List.of(new SpecProblem(where, "is not an attribute set; cannot patch it")));
        }
        List<String> changed = new ArrayList<>();
        List<PatchedValue> values = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : new java.util.TreeMap<>(set).entrySet()) {
            String path = qualified(e.getKey(), (ObjectNode) next.get(host));
            String[] parts = path.split("\\.", -1);
            String at = where + "." + path;
            boolean blank = false;
            for (String p : parts) {
                blank |= p.isBlank();
            }
            if (blank) {
                problems.add(new SpecProblem(where + "." + e.getKey(), "is not an attribute path (empty segment)"));
                continue;
            }
            if (parts.length > SpecLimits.MAX_DEPTH - 1) {
                problems.add(new SpecProblem(where + "." + parts[0] + "…", "is not an attribute path: "
                        + parts.length + " segments, at most " + (SpecLimits.MAX_DEPTH - 1)));
                continue;
            }
            ObjectNode parent = (ObjectNode) next.get(host);
            String walked = where;
            boolean ok = true;
            for (int i = 0; i < parts.length - 1; i++) {
                walked += "." + parts[i];
                JsonNode child = parent.get(parts[i]);
                if (child == null || child.isNull()) {
                    child = parent.putObject(parts[i]);
                } else if (!child.isObject()) {
                    problems.add(new SpecProblem(walked, "is a " + child.getNodeType().name().toLowerCase()
                            + ", not an attribute set; cannot set " + at));
                    ok = false;
                    break;
                }
                parent = (ObjectNode) child;
            }
            if (!ok) {
                continue;
            }
            String leaf = parts[parts.length - 1];
            JsonNode value = e.getValue();
            JsonNode old = parent.get(leaf);
            if (value == null || value.isNull()) {
                parent.remove(leaf);
                changed.add(path + " removed");
                values.add(new PatchedValue(host, path, old, null));
            } else {
                parent.set(leaf, value.deepCopy());
                changed.add(path + " = " + value);
                values.add(new PatchedValue(host, path, old == null ? null : old.deepCopy(), value.deepCopy()));
            }
        }
        return problems.isEmpty() ? new Patched(next, changed, values) : new Refused(false, problems);
    }

    /** {@code cores} → {@code proxmox.cores} for a host that has a proxmox set and no own attribute of that name. */
    static String qualified(String key, ObjectNode host) {
        if (!key.contains(".") && PROXMOX_ATTRIBUTES.contains(key) && !host.has(key) && host.path("proxmox").isObject()) {
            return "proxmox." + key;
        }
        return key;
    }
}
