package dev.fleetplane.proxmox.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /access/permissions}: the caller's effective privileges per ACL path, each with its propagate flag
 * ({@code {"/vms": {"VM.Clone": 1, …}, …}}). Proxmox lists {@code /}, {@code /vms}, {@code /storage}, {@code /nodes},
 * {@code /sdn}, … and every path with an ACL, leaving out paths without privileges; for a token with privilege
 * separation the privileges are those of its own ACLs (intersected with its user's).
 *
 * @param byPath path -> privilege -> whether it propagates to paths below
 */
public record PvePermissions(Map<String, Map<String, Boolean>> byPath) {

    public PvePermissions {
        Map<String, Map<String, Boolean>> copy = new TreeMap<>();
        byPath.forEach((path, privs) -> copy.put(path, Collections.unmodifiableMap(new TreeMap<>(privs))));
        byPath = Collections.unmodifiableMap(copy);
    }

    static PvePermissions from(JsonNode data) {
        JsonFields.object(data, "permissions");
        Map<String, Map<String, Boolean>> out = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = data.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> path = it.next();
            JsonFields.object(path.getValue(), "the privileges on " + path.getKey());
            Map<String, Boolean> privs = new TreeMap<>();
            path.getValue().fieldNames().forEachRemaining(p -> privs.put(p, JsonFields.bool(path.getValue(), p)));
            out.put(path.getKey(), privs);
        }
        return new PvePermissions(out);
    }

    /** Whether the answer holds nothing anywhere (a fresh privilege-separated token). */
    public boolean isEmpty() {
        return byPath.values().stream().allMatch(Map::isEmpty);
    }

    /**
     * The privileges on {@code path}: its own entry when the answer has one, else those of its nearest listed
     * ancestor that propagate (as Proxmox inherits them to a path without an ACL of its own).
     */
    public Map<String, Boolean> on(String path) {
        Map<String, Boolean> own = byPath.get(path);
        if (own != null) {
            return own;
        }
        for (String p = parent(path); p != null; p = parent(p)) {
            Map<String, Boolean> above = byPath.get(p);
            if (above != null) {
                Map<String, Boolean> inherited = new TreeMap<>();
                above.forEach((priv, propagate) -> {
                    if (propagate) {
                        inherited.put(priv, true);
                    }
                });
                return inherited;
            }
        }
        return Map.of();
    }

    public boolean has(String path, String privilege) {
        return on(path).containsKey(privilege);
    }

    /** Whether {@code privilege} holds on {@code path} and on every path below it without an ACL of its own. */
    public boolean propagates(String path, String privilege) {
        return Boolean.TRUE.equals(on(path).get(privilege));
    }

    /** This answer with the paths of {@code exact} (answers for one {@code path}) replacing its own. */
    public PvePermissions with(PvePermissions exact) {
        Map<String, Map<String, Boolean>> merged = new TreeMap<>(byPath);
        merged.putAll(exact.byPath);
        return new PvePermissions(merged);
    }

    private static String parent(String path) {
        if (path.equals("/")) {
            return null;
        }
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "/" : path.substring(0, slash);
    }
}
