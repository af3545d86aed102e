package dev.fleetplane.console.auth;

import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Someone allowed to open consoles: a name (what the audit records), the SHA-256 of the bearer token (the token
 * itself is never configured on the gateway), the hosts they may open, and whether they may type.
 */
public record Operator(String name, byte[] tokenSha256, List<String> hosts, boolean mayWrite) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");
    private static final Pattern GLOB = Pattern.compile("[A-Za-z0-9.*?-]{1,253}");

    public Operator {
        hosts = List.copyOf(hosts);
    }

    /**
     * Checks and builds an operator from configured text; {@code where} names the source (a config key, a file and
     * line) in the error. The token hash is never part of an error.
     */
    public static Operator parse(String where, String name, String access, List<String> hosts, String tokenSha256) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(where + ": operator name '" + name
                    + "' must be 1-64 letters, digits, '.', '_', '@' or '-'");
        }
        boolean write = switch (access == null ? "" : access.toLowerCase(Locale.ROOT)) {
            case "write" -> true;
            case "read" -> false;
            default -> throw new IllegalArgumentException(where + ": operator " + name + " has access '" + access
                    + "'; it must be 'write' or 'read'");
        };
        if (hosts == null || hosts.isEmpty()) {
            throw new IllegalArgumentException(where + ": operator " + name + " names no hosts; use '*' for all");
        }
        for (String h : hosts) {
            if (!GLOB.matcher(h).matches()) {
                throw new IllegalArgumentException(where + ": operator " + name + " has host pattern '" + h
                        + "'; patterns are host names with '*' and '?'");
            }
        }
        String hex = tokenSha256 == null ? "" : tokenSha256.trim().toLowerCase(Locale.ROOT);
        if (!hex.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException(where + ": operator " + name + "'s token hash must be 64 hex digits "
                    + "(the SHA-256 of the token: printf %s \"$TOKEN\" | sha256sum)");
        }
        return new Operator(name, HexFormat.of().parseHex(hex), hosts, write);
    }

    /** Whether one of this operator's patterns matches {@code host}. */
    public boolean mayOpen(String host) {
        for (String glob : hosts) {
            if (matches(glob, host)) {
                return true;
            }
        }
        return false;
    }

    /** A shell-style glob: {@code *} any run of characters, {@code ?} one; case-insensitive, as host names are. */
    static boolean matches(String glob, String host) {
        return matches(glob.toLowerCase(Locale.ROOT), 0, host.toLowerCase(Locale.ROOT), 0);
    }

    private static boolean matches(String g, int gi, String h, int hi) {
        while (gi < g.length()) {
            char c = g.charAt(gi);
            if (c == '*') {
                for (int k = hi; k <= h.length(); k++) {
                    if (matches(g, gi + 1, h, k)) {
                        return true;
                    }
                }
                return false;
            }
            if (hi >= h.length() || c != '?' && c != h.charAt(hi)) {
                return false;
            }
            gi++;
            hi++;
        }
        return hi == h.length();
    }

    @Override
    public String toString() {
        return "Operator[" + name + ", " + (mayWrite ? "write" : "read") + ", hosts " + hosts + "]";
    }
}
