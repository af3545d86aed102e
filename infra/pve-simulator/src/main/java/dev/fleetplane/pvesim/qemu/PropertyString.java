package dev.fleetplane.pvesim.qemu;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * A Proxmox property string ({@code virtio=BC:24:11:00:00:01,bridge=vmbr0}): comma-separated {@code key=value}
 * pairs, where a leading bare value belongs to the format's default key.
 */
public final class PropertyString {

    private PropertyString() {
    }

    /** Parses into insertion order; a part without '=' is stored under {@code defaultKey}. */
    public static Map<String, String> parse(String text, String defaultKey) {
        Map<String, String> out = new LinkedHashMap<>();
        if (text == null || text.isEmpty()) {
            return out;
        }
        for (String part : text.split(",")) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq < 0) {
                out.put(defaultKey, part);
            } else {
                out.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        return out;
    }

    public static String print(Map<String, String> props) {
        StringJoiner out = new StringJoiner(",");
        props.forEach((k, v) -> out.add(k + "=" + v));
        return out.toString();
    }
}
