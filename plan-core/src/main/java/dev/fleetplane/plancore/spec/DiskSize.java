package dev.fleetplane.plancore.spec;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads Proxmox disk sizes ({@code 64G}, {@code 512M}, {@code 1T}, {@code 10737418240}) into bytes. */
public final class DiskSize {

    private static final Pattern SIZE = Pattern.compile("([0-9]{1,15})([KMGT]?)");

    private DiskSize() {
    }

    /** The size in bytes, or empty when {@code text} is not a size Proxmox would accept. */
    public static Optional<Long> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        long n = Long.parseLong(m.group(1));
        int shift = switch (m.group(2)) {
            case "K" -> 10;
            case "M" -> 20;
            case "G" -> 30;
            case "T" -> 40;
            default -> 0;
        };
        if (n == 0 || n > (Long.MAX_VALUE >> shift)) {
            return Optional.empty();
        }
        return Optional.of(n << shift);
    }
}
