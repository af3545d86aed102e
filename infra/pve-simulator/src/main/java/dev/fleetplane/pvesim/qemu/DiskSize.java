package dev.fleetplane.pvesim.qemu;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Disk sizes as Proxmox writes them ({@code size=32G}) and as {@code /resize} accepts them ({@code +10G}). */
public final class DiskSize {

    /** The resize schema's pattern for {@code size}. */
    public static final Pattern RESIZE = Pattern.compile("(\\+)?(\\d+(?:\\.\\d+)?)([KMGT])?");
    private static final long K = 1024L;

    private DiskSize() {
    }

    /** Bytes of {@code 12}, {@code 512M}, {@code 8G}, {@code 1.5T}; -1 when not a size. */
    public static long parse(String text) {
        Matcher m = RESIZE.matcher(text == null ? "" : text);
        if (!m.matches() || m.group(1) != null) {
            return -1;
        }
        return toBytes(m.group(2), m.group(3));
    }

    static long toBytes(String number, String unit) {
        double n = Double.parseDouble(number);
        long factor = unit == null ? 1 : switch (unit) {
            case "K" -> K;
            case "M" -> K * K;
            case "G" -> K * K * K;
            case "T" -> K * K * K * K;
            default -> throw new IllegalArgumentException(unit);
        };
        return (long) Math.ceil(n * factor);
    }

    /** The size a resize asks for, given the current one: {@code +10G} grows, {@code 40G} sets. */
    public static long target(String request, long current) {
        Matcher m = RESIZE.matcher(request);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a size: '" + request + "'");
        }
        long bytes = toBytes(m.group(2), m.group(3));
        return m.group(1) != null ? current + bytes : bytes;
    }

    /** {@code PVE::JSONSchema::format_size}: the largest unit that divides the size exactly. */
    public static String format(long bytes) {
        String[] units = {"T", "G", "M", "K"};
        long[] factors = {K * K * K * K, K * K * K, K * K, K};
        for (int i = 0; i < units.length; i++) {
            if (bytes >= factors[i] && bytes % factors[i] == 0) {
                return (bytes / factors[i]) + units[i];
            }
        }
        return Long.toString(bytes);
    }

    /** Human size for task logs ({@code 8.00 GiB}). */
    public static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (K * K * K));
    }
}
