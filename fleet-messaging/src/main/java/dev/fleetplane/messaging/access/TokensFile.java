package dev.fleetplane.messaging.access;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a tokens file: one token per line, {@code <name> <roles,comma> <token sha256 hex>}, blank lines and {@code #}
 * comments skipped. Hand-written: three blank-separated fields need no library. Errors name the file and the line,
 * never the hash.
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
            if (f.length != 3) {
                throw new IllegalArgumentException(where + ": expected 3 fields '<name> <roles,comma> <token sha256>', "
                        + "found " + f.length);
            }
            Set<String> roles = new LinkedHashSet<>();
            Arrays.stream(f[1].split(",")).filter(s -> !s.isBlank()).forEach(r -> roles.add(Roles.parse(where, r)));
            out.add(AccessToken.parse(where, f[0], roles, f[2]));
        }
        return out;
    }
}
