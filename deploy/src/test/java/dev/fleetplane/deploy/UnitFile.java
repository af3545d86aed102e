package dev.fleetplane.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A systemd unit file read the way systemd reads it: {@code [Section]} headers, {@code Key=Value} lines whose repeated
 * keys accumulate (Environment=, LoadCredential=), {@code #} and {@code ;} comments, backslash continuations.
 * Hand-written (forty lines) because the INI libraries at hand keep only the last of repeated keys and know no
 * continuations; the tests also run {@code systemd-analyze verify} where the unit is checked by systemd itself.
 */
record UnitFile(String name, Map<String, Map<String, List<String>>> sections) {

    static UnitFile parse(String name, String text) {
        Map<String, Map<String, List<String>>> sections = new LinkedHashMap<>();
        Map<String, List<String>> current = null;
        String pending = "";
        int lineNo = 0;
        for (String raw : text.split("\n", -1)) {
            lineNo++;
            String line = pending + raw.strip();
            pending = "";
            if (line.endsWith("\\")) {
                pending = line.substring(0, line.length() - 1) + " ";
                continue;
            }
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                current = sections.computeIfAbsent(line.substring(1, line.length() - 1), s -> new LinkedHashMap<>());
                continue;
            }
            int eq = line.indexOf('=');
            if (current == null || eq < 1) {
                throw new IllegalArgumentException(name + ":" + lineNo + ": neither a [Section] nor Key=Value: " + line);
            }
            current.computeIfAbsent(line.substring(0, eq).strip(), k -> new ArrayList<>())
                    .add(line.substring(eq + 1).strip());
        }
        return new UnitFile(name, sections);
    }

    /** Every value of {@code key} in {@code section}, in order; empty when none. */
    List<String> values(String section, String key) {
        return sections.getOrDefault(section, Map.of()).getOrDefault(key, List.of());
    }

    /** The one value of {@code key}, failing with the unit's name when it is missing or repeated. */
    String value(String section, String key) {
        List<String> values = values(section, key);
        if (values.size() != 1) {
            throw new IllegalArgumentException(name + ": [" + section + "] " + key + " has " + values.size()
                    + " values, expected one");
        }
        return values.get(0);
    }
}
