package dev.fleetplane.proxmox.client;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Proxmox task id, {@code UPID:<node>:<pid>:<pstart>:<starttime>:<type>:<id>:<user>:}, parsed with the
 * same rule as {@code PVE::UPID::decode}. Status polling must go to {@link #node()}, not the VM's node.
 *
 * @param id   the task's object id (for {@code qmclone} the SOURCE vmid); may be empty
 * @param user {@code user@realm} or {@code user@realm!token}
 */
public record Upid(String value, String node, long pid, long pstart, long startTime, String type, String id,
                   String user) {

    private static final Pattern UPID = Pattern.compile(
            "^UPID:([a-zA-Z0-9]([a-zA-Z0-9\\-]*[a-zA-Z0-9])?):([0-9A-Fa-f]{8}):([0-9A-Fa-f]{8,9}):([0-9A-Fa-f]{8}):"
                    + "([^:\\s/]+):([^:\\s/]*):([^:\\s/]+):$");

    public static Upid parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("UPID is missing");
        }
        Matcher m = UPID.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a Proxmox UPID: '" + text + "'");
        }
        return new Upid(text.trim(), m.group(1), Long.parseLong(m.group(3), 16), Long.parseLong(m.group(4), 16),
                Long.parseLong(m.group(5), 16), m.group(6), m.group(7), m.group(8));
    }

    @Override
    public String toString() {
        return value;
    }
}
