package dev.fleetplane.adapter.configure;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** Proxmox's encodings of config values ({@code sshkeys}); {@link ConfigPlan} decides what is written. Pure. */
public final class ConfigValues {

    /** What Proxmox's {@code urlencoded} format accepts ({@code pve_verify_urlencoded}). */
    private static final Pattern URLENCODED = Pattern.compile("[-%a-zA-Z0-9_.!~*'()]*");

    private ConfigValues() {
    }

    /** The values of a ConfigureVm that needs no look at the current config (no net0, no OVMF). */
    public static Map<String, String> of(int cores, int memoryMb, Map<String, String> extra) {
        Map<String, String> values = new TreeMap<>();
        extra.forEach((k, v) -> values.put(k, k.equals("sshkeys") ? sshKeys(v) : v));
        values.put("cores", Integer.toString(cores));
        values.put("memory", Integer.toString(memoryMb));
        return values;
    }

    /**
     * {@code sshkeys} must be percent-encoded before the form encoding (space as %20, never '+');
     * a value already in that form is passed as is.
     */
    static String sshKeys(String keys) {
        if (URLENCODED.matcher(keys).matches()) {
            return keys;
        }
        return URLEncoder.encode(keys, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
