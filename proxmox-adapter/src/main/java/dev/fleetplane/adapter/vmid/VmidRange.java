package dev.fleetplane.adapter.vmid;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** An inclusive range of VMIDs the adapter may hand out, parsed from {@code first-last}; pure. */
public record VmidRange(int first, int last) {

    private static final Pattern FORM = Pattern.compile("\\s*(\\d{3,9})\\s*-\\s*(\\d{3,9})\\s*");
    /** Proxmox's VMID bounds (qemu-server: 100 to 999999999). */
    public static final int MIN = 100;
    public static final int MAX = 999_999_999;

    public VmidRange {
        if (first < MIN || last > MAX || first > last) {
            throw new IllegalArgumentException("VMID range " + first + "-" + last + " must lie within " + MIN + "-" + MAX
                    + " with first <= last");
        }
    }

    /** Parses {@code 9000-9099}; {@code key} names the setting in the error. */
    public static VmidRange parse(String key, String text) {
        Matcher m = text == null ? null : FORM.matcher(text);
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException(key + " = '" + text + "' is not a VMID range like 9000-9099");
        }
        try {
            return new VmidRange(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + " = '" + text + "': " + e.getMessage(), e);
        }
    }

    public boolean contains(int vmid) {
        return vmid >= first && vmid <= last;
    }

    public int size() {
        return last - first + 1;
    }

    @Override
    public String toString() {
        return first + "-" + last;
    }
}
