package dev.fleetplane.messaging.access;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a tokens file: one token per line, {@code <name> <roles,comma> <token sha256 hex> [hosts=<glob,...>]
 * [expires=<date or time>]}, blank lines and {@code #} comments skipped. Hand-written: a few blank-separated fields
 * need no library. Errors name the file and the line, never the hash.
 */
public final class TokensFile {

    private TokensFile() {
    }

    public static List<AccessToken> parse(String fileName, String text) {
        List<AccessToken> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = fileName + " line " + (i + 1);
            String[] f = line.split("\\s+");
            if (f.length < 3) {
                throw new IllegalArgumentException(where + ": expected 3 fields '<name> <roles,comma> <token sha256>' "
                        + "and optionally hosts=<glob,...> expires=<date>, found " + f.length);
            }
            Set<String> roles = new LinkedHashSet<>();
            Arrays.stream(f[1].split(",")).filter(s -> !s.isBlank()).forEach(r -> roles.add(Roles.parse(where, r)));
            AccessToken token = AccessToken.parse(where, f[0], roles, f[2]);
            List<String> hosts = List.of();
            Instant expires = null;
            Set<String> seen = new HashSet<>();
            for (int k = 3; k < f.length; k++) {
                int eq = f[k].indexOf('=');
                String option = eq < 0 ? f[k] : f[k].substring(0, eq);
                String value = eq < 0 ? "" : f[k].substring(eq + 1);
                if (!seen.add(option)) {
                    throw new IllegalArgumentException(where + ": token " + token.name() + " has " + option
                            + "= twice");
                }
                switch (option) {
                    case "hosts" -> hosts = HostScope.parse(where + ": token " + token.name() + "'s hosts", value);
                    case "expires" -> expires = expiry(where + ": token " + token.name() + "'s expires", value);
                    // Only a short word before '=' is echoed: a stray field may be a pasted token (the file is
                    // re-read while the service runs, and this message goes to its log).
                    default -> throw new IllegalArgumentException(where + ": token " + token.name()
                            + ": unknown field " + (eq > 0 && option.matches("[A-Za-z-]{1,20}") ? "'" + option + "'"
                            : "#" + (k + 1) + " (not shown: it is not a name=value option)")
                            + "; after the hash come hosts=<glob,...> and expires=<date>");
                }
            }
            out.add(token.limitedTo(hosts, expires));
        }
        return out;
    }

    /** {@code 2027-01-31} (the start of that day, UTC) or an ISO-8601 instant ({@code 2027-01-31T12:00:00Z}). */
    static Instant expiry(String what, String value) {
        try {
            if (value.length() == 10) {
                return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(what + " must be a date (2027-01-31) or a time with offset "
                    + "(2027-01-31T12:00:00Z), got '" + value + "'");
        }
    }
}
