package dev.fleetplane.messaging.access;

import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One entry of the tokens file: a name (what logs and errors call the caller), the roles written for it, the
 * SHA-256 of the bearer token (the token itself is never configured on a service), the hosts it may see and when
 * it stops being admitted.
 *
 * @param hosts   host-name globs ({@code *}, {@code ?}) this token may see and act on; empty: every host
 * @param expires when the token stops being admitted; null: never
 */
public record AccessToken(String name, Set<String> roles, byte[] sha256, List<String> hosts, Instant expires) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");

    public AccessToken {
        roles = Set.copyOf(roles);
        hosts = List.copyOf(hosts);
    }

    /** A token for every host that never expires. */
    public AccessToken(String name, Set<String> roles, byte[] sha256) {
        this(name, roles, sha256, List.of(), null);
    }

    /** Whether the token is past its expiry at {@code now}. */
    public boolean expiredAt(Instant now) {
        return expires != null && !now.isBefore(expires);
    }

    /** This entry limited to {@code hosts} and {@code expires}. */
    public AccessToken limitedTo(List<String> hosts, Instant expires) {
        return new AccessToken(name, roles, sha256, hosts, expires);
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
        return "AccessToken[" + name + ", " + String.join(",", roles.stream().sorted().toList())
                + (hosts.isEmpty() ? "" : ", hosts=" + String.join(",", hosts))
                + (expires == null ? "" : ", expires=" + expires) + "]";
    }
}
