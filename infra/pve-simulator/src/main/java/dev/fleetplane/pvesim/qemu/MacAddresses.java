package dev.fleetplane.pvesim.qemu;

import java.util.HashSet;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Hands out NIC MAC addresses the way Proxmox does (random, under Proxmox's OUI {@code BC:24:11}, upper-case) but
 * from a seeded generator, so a simulator run is reproducible, and never twice.
 */
public final class MacAddresses {

    public static final String PROXMOX_OUI = "BC:24:11";
    private static final Pattern MAC = Pattern.compile("(?i)[0-9a-f]{2}(:[0-9a-f]{2}){5}");

    private final Random random;
    private final Set<String> used = new HashSet<>();

    public MacAddresses(long seed) {
        this.random = new Random(seed);
    }

    public synchronized String next() {
        while (true) {
            String mac = String.format(Locale.ROOT, "%s:%02X:%02X:%02X", PROXMOX_OUI,
                    random.nextInt(256), random.nextInt(256), random.nextInt(256));
            if (used.add(mac)) {
                return mac;
            }
        }
    }

    /** Records a MAC that came from a seed or a client, so it is never generated for another NIC. */
    public synchronized void reserve(String mac) {
        used.add(mac.toUpperCase(Locale.ROOT));
    }

    public static boolean isMac(String s) {
        return s != null && MAC.matcher(s).matches();
    }

    /** The SLAAC/EUI-64 link-local address a Linux guest derives from its MAC ({@code fe80::be24:11ff:fe..:....}). */
    public static String linkLocalIpv6(String mac) {
        if (!isMac(mac)) {
            throw new IllegalArgumentException("not a MAC address: '" + mac + "'");
        }
        String[] b = mac.toLowerCase(Locale.ROOT).split(":");
        int first = Integer.parseInt(b[0], 16) ^ 0x02; // flip the universal/local bit
        String[] groups = {
                String.format(Locale.ROOT, "%02x%s", first, b[1]),
                b[2] + "ff",
                "fe" + b[3],
                b[4] + b[5],
        };
        StringBuilder out = new StringBuilder("fe80:");
        for (String g : groups) {
            out.append(':').append(g.replaceFirst("^0+(?=.)", ""));
        }
        return out.toString();
    }
}
