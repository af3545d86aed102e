package dev.fleetplane.adapter.configure;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** The config keys a {@code ConfigureVm} writes, in Proxmox's encoding; pure. */
public final class ConfigValues {

    /** What Proxmox's {@code urlencoded} format accepts ({@code pve_verify_urlencoded}). */
    private static final Pattern URLENCODED = Pattern.compile("[-%a-zA-Z0-9_.!~*'()]*");

    private ConfigValues() {
    }

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
