package dev.fleetplane.messaging.access;

import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One entry of the tokens file: a name (what logs and errors call the caller), the roles written for it, and the
 * SHA-256 of the bearer token (the token itself is never configured on a service).
 */
public record AccessToken(String name, Set<String> roles, byte[] sha256) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");

    public AccessToken {
        roles = Set.copyOf(roles);
    }

    /** Checks and builds an entry; {@code where} names the file and line. The hash is never part of an error. */
    public static AccessToken parse(String where, String name, Set<String> roles, String sha256Hex) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(where + ": token name '" + name
                    + "' must be 1-64 letters, digits, '.', '_', '@' or '-'");
        }
        if (roles.isEmpty()) {
            throw new IllegalArgumentException(where + ": token " + name + " has no role; roles are "
                    + String.join(", ", Roles.ALL));
        }
        String hex = sha256Hex == null ? "" : sha256Hex.strip().toLowerCase(Locale.ROOT);
        if (!hex.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException(where + ": token " + name + "'s hash must be 64 hex digits "
                    + "(the SHA-256 of the token: printf %s \"$TOKEN\" | sha256sum)");
        }
        return new AccessToken(name, roles, HexFormat.of().parseHex(hex));
    }

    /** The roles this token acts with (what it names plus what that implies). */
    public Set<String> granted() {
        return Roles.granted(roles);
    }

    @Override
    public String toString() {
        return "AccessToken[" + name + ", " + String.join(",", roles.stream().sorted().toList()) + "]";
    }
}
