package dev.fleetplane.messaging.access;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The one role scheme of every fleetplane door (docs/access.md): names usable in {@code @RolesAllowed}, and what a
 * token's roles grant. {@code operator} implies {@code viewer}; nothing else implies anything.
 */
public final class Roles {

    /** CI: push a spec, compute a plan (and read the spec and plan it pushed). */
    public static final String CI = "ci";
    /** A person who changes the fleet: apply, retry, patch, VM power, templates, console write. */
    public static final String OPERATOR = "operator";
    /** Reads everything; the console read-only. */
    public static final String VIEWER = "viewer";
    /** The console only (write), nothing else. */
    public static final String CONSOLE = "console";

    /** Every role, in the order errors list them. */
    public static final List<String> ALL = List.of(CI, OPERATOR, VIEWER, CONSOLE);

    private Roles() {
    }

    /**
     * A role name as written in a tokens file (case-insensitive); {@code where} names the source in the error.
     */
    public static String parse(String where, String name) {
        String role = name.strip().toLowerCase(Locale.ROOT);
        if (!ALL.contains(role)) {
            throw new IllegalArgumentException(where + ": unknown role '" + name + "'; roles are " + String.join(", ", ALL));
        }
        return role;
    }

    /** The roles a token holding {@code named} acts with: the named ones plus what they imply. */
    public static Set<String> granted(Set<String> named) {
        Set<String> out = new LinkedHashSet<>(named);
        if (named.contains(OPERATOR)) {
            out.add(VIEWER);
        }
        return Set.copyOf(out);
    }
}
