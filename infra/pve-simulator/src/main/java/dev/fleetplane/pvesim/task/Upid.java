package dev.fleetplane.pvesim.task;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Proxmox task id, encoded and decoded exactly as {@code pve-common:src/PVE/UPID.pm}:
 * {@code UPID:<node>:<pid %08X>:<pstart %08X>:<starttime %08X>:<type>:<id>:<user>:}.
 */
public record Upid(String node, long pid, long pstart, long starttime, String type, String id, String user) {

    private static final Pattern DECODE = Pattern.compile(
            "^UPID:([a-zA-Z0-9]([a-zA-Z0-9\\-]*[a-zA-Z0-9])?):([0-9A-Fa-f]{8}):([0-9A-Fa-f]{8,9}):([0-9A-Fa-f]{8}):"
                    + "([^:\\s/]+):([^:\\s/]*):([^:\\s/]+):$");
    private static final Pattern NODE = Pattern.compile("[a-zA-Z0-9]([a-zA-Z0-9\\-]*[a-zA-Z0-9])?");
    private static final Pattern FIELD = Pattern.compile("[^:\\s/]*");

    public Upid {
        require(node != null && NODE.matcher(node).matches(), "node", node);
        require(type != null && !type.isEmpty() && FIELD.matcher(type).matches(), "type", type);
        require(id != null && FIELD.matcher(id).matches(), "id", id);
        require(user != null && !user.isEmpty() && FIELD.matcher(user).matches(), "user", user);
        require(pid >= 0 && pid <= 0xFFFFFFFFL, "pid", pid);
        require(pstart >= 0 && pstart <= 0xFFFFFFFFFL, "pstart", pstart);
        require(starttime >= 0 && starttime <= 0xFFFFFFFFL, "starttime", starttime);
    }

    private static void require(boolean ok, String field, Object value) {
        if (!ok) {
            throw new IllegalArgumentException("invalid UPID " + field + ": '" + value + "'");
        }
    }

    /** {@code sprintf("UPID:%s:%08X:%08X:%08X:%s:%s:%s:", …)} — upper-case hex and a trailing colon. */
    public String encode() {
        return String.format(Locale.ROOT, "UPID:%s:%08X:%08X:%08X:%s:%s:%s:", node, pid, pstart, starttime, type, id, user);
    }

    /** Empty when the text is not a UPID (the API then says "unable to parse worker upid"). */
    public static Optional<Upid> decode(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = DECODE.matcher(text);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new Upid(m.group(1), Long.parseLong(m.group(3), 16), Long.parseLong(m.group(4), 16),
                Long.parseLong(m.group(5), 16), m.group(6), m.group(7), m.group(8)));
    }

    /** {@code user@realm} without the token part, as the task status reports {@code user}. */
    public String userWithoutToken() {
        int bang = user.indexOf('!');
        return bang < 0 ? user : user.substring(0, bang);
    }

    /** The token name when a token started the task; the task status reports it as {@code tokenid}. */
    public Optional<String> tokenName() {
        int bang = user.indexOf('!');
        return bang < 0 ? Optional.empty() : Optional.of(user.substring(bang + 1));
    }

    @Override
    public String toString() {
        return encode();
    }
}
