package dev.fleetplane.proxmox.client;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Picks the address fleetplane will SSH to from the guest agent's interfaces: an address of the NIC
 * whose MAC is net0's, never loopback, link-local, multicast or a container bridge's; IPv4 unless IPv6
 * is asked for. A pure function: no I/O, no DNS.
 */
public final class GuestIpChoice {

    /** Every reported address, flattened, with its interface. */
    public record ReportedAddress(String interfaceName, String mac, String ip, String family, int prefix) {
    }

    /**
     * The outcome.
     *
     * @param chosenIp null when no usable address exists yet (guest still booting, DHCP pending)
     * @param note     why nothing was chosen, or how the choice was made when not by MAC
     */
    public record Result(String chosenIp, String chosenInterface, List<ReportedAddress> addresses, String note) {
        public Optional<String> chosen() {
            return Optional.ofNullable(chosenIp);
        }
    }

    private GuestIpChoice() {
    }

    /**
     * @param net0Mac     net0's MAC from the VM config, any case; null when unknown (then any non-bridge NIC counts)
     * @param preferIpv6  choose a global IPv6 address first (falls back to IPv4)
     */
    public static Result choose(String net0Mac, List<GuestInterface> interfaces, boolean preferIpv6) {
        return choose(net0Mac, interfaces, preferIpv6, false);
    }

    /**
     * @param allowLoopback accept 127.0.0.0/8 addresses on a non-{@code lo} NIC. Only for simulated guests, whose
     *                      "DHCP" addresses are loopback addresses so that a real sshd can listen for each of them;
     *                      the {@code lo} interface itself stays excluded.
     */
    public static Result choose(String net0Mac, List<GuestInterface> interfaces, boolean preferIpv6,
                                boolean allowLoopback) {
        List<ReportedAddress> all = new ArrayList<>();
        for (GuestInterface i : interfaces) {
            for (GuestInterface.Address a : i.addresses()) {
                all.add(new ReportedAddress(i.name(), i.mac(), a.ip(), a.family(), a.prefix()));
            }
        }
        List<GuestInterface> candidates = new ArrayList<>();
        String note = null;
        for (GuestInterface i : interfaces) {
            if (isExcludedInterface(i.name())) {
                continue;
            }
            if (net0Mac == null || (i.mac() != null && i.mac().equalsIgnoreCase(net0Mac.trim()))) {
                candidates.add(i);
            }
        }
        if (net0Mac == null) {
            note = "net0 MAC unknown: chose among all non-loopback, non-bridge interfaces";
        } else if (candidates.isEmpty()) {
            return new Result(null, null, all, "no guest interface has net0's MAC " + net0Mac.toUpperCase(Locale.ROOT)
                    + " yet (interfaces: " + names(interfaces) + ")");
        }
        String first = preferIpv6 ? "ipv6" : "ipv4";
        String second = preferIpv6 ? "ipv4" : null;
        for (String family : second == null ? List.of(first) : List.of(first, second)) {
            for (GuestInterface i : candidates) {
                for (GuestInterface.Address a : i.addresses()) {
                    if (family.equals(familyOf(a)) && isUsable(a.ip(), allowLoopback)) {
                        return new Result(strip(a.ip()), i.name(), all, note);
                    }
                }
            }
        }
        String what = preferIpv6 ? "global IPv6 or IPv4" : "global IPv4";
        return new Result(null, null, all, "no " + what + " address on "
                + (net0Mac == null ? "any interface" : "the interface with MAC " + net0Mac.toUpperCase(Locale.ROOT))
                + " yet");
    }

    /** Loopback and the bridges/veths container runtimes add (their addresses are unreachable from outside). */
    static boolean isExcludedInterface(String name) {
        if (name == null) {
            return false;
        }
        String n = name.toLowerCase(Locale.ROOT);
        return n.equals("lo") || n.equals("docker0") || n.startsWith("cni") || n.startsWith("veth")
                || n.startsWith("br-") || n.startsWith("flannel") || n.startsWith("cilium") || n.startsWith("podman");
    }

    /** Global unicast only: not loopback, link-local, multicast, unspecified or broadcast. */
    static boolean isUsable(String ip) {
        return isUsable(ip, false);
    }

    static boolean isUsable(String ip, boolean allowLoopback) {
        if (ip == null) {
            return false;
        }
        String s = strip(ip);
        if (s.contains(":")) {
            try {
                // A literal with ':' is parsed, never resolved: no DNS happens here.
                InetAddress a = InetAddress.getByName(s);
                return a instanceof Inet6Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()
                        && !a.isMulticastAddress() && !a.isAnyLocalAddress();
            } catch (UnknownHostException | SecurityException e) {
                return false;
            }
        }
        int[] o = ipv4(s);
        if (o == null) {
            return false;
        }
        boolean loopback = o[0] == 127 && !allowLoopback;
        boolean linkLocal = o[0] == 169 && o[1] == 254;
        boolean multicastOrReserved = o[0] >= 224;
        boolean unspecified = o[0] == 0;
        return !loopback && !linkLocal && !multicastOrReserved && !unspecified;
    }

    private static String familyOf(GuestInterface.Address a) {
        if (a.family() != null && !a.family().isBlank()) {
            return a.family().toLowerCase(Locale.ROOT);
        }
        return a.ip() != null && a.ip().contains(":") ? "ipv6" : "ipv4";
    }

    private static int[] ipv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        int[] out = new int[4];
        for (int k = 0; k < 4; k++) {
            if (!parts[k].matches("\\d{1,3}")) {
                return null;
            }
            out[k] = Integer.parseInt(parts[k]);
            if (out[k] > 255) {
                return null;
            }
        }
        return out;
    }

    private static String strip(String ip) {
        int zone = ip.indexOf('%');
        return (zone >= 0 ? ip.substring(0, zone) : ip).trim();
    }

    private static String names(List<GuestInterface> interfaces) {
        return interfaces.isEmpty() ? "none"
                : String.join(", ", interfaces.stream().map(i -> i.name() + "=" + i.mac()).toList());
    }
}
