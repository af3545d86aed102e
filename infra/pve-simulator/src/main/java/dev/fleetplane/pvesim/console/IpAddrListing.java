package dev.fleetplane.pvesim.console;

import java.util.List;
import java.util.Map;

/**
 * Renders the agent's {@code network-get-interfaces} answer the way iproute2's {@code ip addr} prints it (CRLF line
 * ends, as a tty writes them): {@code lo} as a loopback link, other interfaces as ethernet links that are up; scope
 * from the address (host for 127/8 and ::1, link for fe80::/10, else global, with the IPv4 broadcast address). Lease
 * lifetimes, qdiscs and altnames are fixed values: the agent does not report them.
 */
final class IpAddrListing {

    private IpAddrListing() {
    }

    static String of(List<Map<String, Object>> interfaces) {
        StringBuilder s = new StringBuilder();
        int index = 1;
        for (Map<String, Object> nic : interfaces) {
            String name = String.valueOf(nic.get("name"));
            String mac = String.valueOf(nic.getOrDefault("hardware-address", "00:00:00:00:00:00"));
            boolean loopback = name.equals("lo");
            if (loopback) {
                line(s, index + ": lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000");
                line(s, "    link/loopback " + mac + " brd 00:00:00:00:00:00");
            } else {
                line(s, index + ": " + name + ": <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc fq_codel state UP"
                        + " group default qlen 1000");
                line(s, "    link/ether " + mac + " brd ff:ff:ff:ff:ff:ff");
            }
            Object addresses = nic.get("ip-addresses");
            if (addresses instanceof List<?> list) {
                for (Object a : list) {
                    if (a instanceof Map<?, ?> address) {
                        address(s, name, address);
                    }
                }
            }
            index++;
        }
        return s.toString();
    }

    private static void address(StringBuilder s, String nic, Map<?, ?> a) {
        String ip = String.valueOf(a.get("ip-address"));
        int prefix = Integer.parseInt(String.valueOf(a.get("prefix")));
        boolean v4 = "ipv4".equals(a.get("ip-address-type"));
        String scope;
        if (ip.startsWith("127.") || ip.equals("::1")) {
            scope = "host";
        } else if (ip.toLowerCase(java.util.Locale.ROOT).startsWith("fe80:")) {
            scope = "link";
        } else {
            scope = "global";
        }
        if (v4) {
            String brd = scope.equals("global") ? " brd " + broadcast(ip, prefix) : "";
            line(s, "    inet " + ip + "/" + prefix + brd + " scope " + scope + (scope.equals("global") ? " dynamic " : " ")
                    + nic);
        } else {
            line(s, "    inet6 " + ip + "/" + prefix + " scope " + scope + " ");
        }
        line(s, "       valid_lft forever preferred_lft forever");
    }

    static String broadcast(String ipv4, int prefix) {
        String[] parts = ipv4.split("\\.");
        long ip = 0;
        for (String p : parts) {
            ip = ip << 8 | Integer.parseInt(p);
        }
        long host = prefix >= 32 ? 0 : (1L << (32 - prefix)) - 1;
        long brd = ip | host;
        return (brd >> 24 & 0xff) + "." + (brd >> 16 & 0xff) + "." + (brd >> 8 & 0xff) + "." + (brd & 0xff);
    }

    private static void line(StringBuilder s, String text) {
        s.append(text).append("\r\n");
    }
}
