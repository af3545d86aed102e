package dev.fleetplane.console.auth;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the operators file: one operator per line, {@code <name> <read|write> <host globs,comma> <token sha256 hex>},
 * blank lines and {@code #} comments skipped. Hand-written: four blank-separated fields need no library. Errors name
 * the file and the line, never the hash.
 */
public final class OperatorFile {

    private OperatorFile() {
    }

    public static List<Operator> parse(String fileName, String text) {
        List<Operator> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = fileName + " line " + (i + 1);
            String[] f = line.split("\\s+");
            if (f.length != 4) {
                throw new IllegalArgumentException(where + ": expected 4 fields '<name> <read|write> <hosts> <token "
                        + "sha256>', found " + f.length);
            }
            List<String> hosts = Arrays.stream(f[2].split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
            out.add(Operator.parse(where, f[0], f[1], hosts, f[3]));
        }
        return out;
    }
}
