package dev.fleetplane.pvesim.access;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Effective privileges as {@code PVE::AccessControl::roles} and {@code PVE::RPCEnvironment::permissions} compute
 * them: walk the ACL paths that are {@code /}, the path itself or one of its ancestors, shortest first; at each, the
 * caller's entries that apply (on the path itself, or propagating) replace everything found so far, so the most
 * specific ACL wins. Each privilege maps to its propagate flag (1/0). {@code NoAccess} empties a path.
 *
 * <p>Identities: a token ({@code user@realm!name}) has exactly its own ACLs (privilege separation; its user is assumed
 * to hold at least as much, so the intersection with the user's privileges is the token's); a ticket user without ACLs
 * of its own is an administrator on {@code /}. Privileges dropped at runtime (a fault switch) are removed from every
 * answer.
 */
public final class AclModel {

    /** Paths {@code get_effective_permissions} always looks at, beside every path that has an ACL. */
    private static final List<String> DEFAULT_PATHS = List.of("/", "/access", "/access/groups", "/nodes", "/pool",
            "/sdn", "/storage", "/vms");

    private final Privileges privileges;
    private final List<AclEntry> entries;
    private final Supplier<Set<String>> dropped;

    public AclModel(Privileges privileges, Collection<AclEntry> entries, Supplier<Set<String>> dropped) {
        this.privileges = privileges;
        this.entries = List.copyOf(entries);
        this.dropped = dropped;
        for (AclEntry e : this.entries) {
            e.rolesOrPrivileges().forEach(privileges::expand); // refuses unknown names at build time
        }
    }

    public Privileges privileges() {
        return privileges;
    }

    /** Privilege -> propagate flag (1/0) of {@code authId} on {@code path}; empty when it has none. */
    public Map<String, Integer> permissions(String authId, String path) {
        Map<String, Integer> privs = new TreeMap<>();
        if (!authId.contains("!") && entries.stream().noneMatch(e -> e.authId().equals(authId))) {
            privileges.all().forEach(p -> privs.put(p, 1));
        } else {
            Map<String, Boolean> roles = new TreeMap<>();
            TreeSet<String> aclPaths = new TreeSet<>();
            entries.stream().filter(e -> e.authId().equals(authId)).forEach(e -> aclPaths.add(e.path()));
            for (String p : aclPaths) { // lexicographic order puts every ancestor before its descendants
                boolean exact = p.equals(path);
                if (!(p.equals("/") || exact || path.startsWith(p + "/"))) {
                    continue;
                }
                Map<String, Boolean> found = new TreeMap<>();
                for (AclEntry e : entries) {
                    if (e.authId().equals(authId) && e.path().equals(p) && (exact || e.propagate())) {
                        e.rolesOrPrivileges().forEach(r -> found.merge(r, e.propagate(), Boolean::logicalOr));
                    }
                }
                if (!found.isEmpty()) {
                    roles = found;
                }
            }
            if (roles.containsKey(Privileges.NO_ACCESS)) {
                return Map.of();
            }
            roles.forEach((role, propagate) -> privileges.expand(role)
                    .forEach(p -> privs.merge(p, propagate ? 1 : 0, Math::max)));
        }
        privs.keySet().removeAll(dropped.get());
        return privs;
    }

    /** What {@code GET /access/permissions} answers without {@code path}: every path with some privilege. */
    public Map<String, Map<String, Integer>> effective(String authId) {
        Set<String> paths = new TreeSet<>(DEFAULT_PATHS);
        entries.forEach(e -> paths.add(e.path()));
        Map<String, Map<String, Integer>> out = new TreeMap<>();
        for (String p : paths) {
            Map<String, Integer> privs = permissions(authId, p);
            if (!privs.isEmpty()) {
                out.put(p, privs);
            }
        }
        return out;
    }

    public boolean has(String authId, String path, String privilege) {
        return permissions(authId, path).containsKey(privilege);
    }

    /** Of {@code wanted}, the ones missing on {@code path}, in order. */
    public List<String> missing(String authId, String path, List<String> wanted) {
        Map<String, Integer> have = permissions(authId, path);
        List<String> out = new ArrayList<>();
        wanted.stream().filter(p -> !have.containsKey(p)).forEach(out::add);
        return out;
    }
}
