package dev.fleetplane.pvesim.qemu;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What a NixOS guest's QEMU agent answers, in the shape of QGA's replies (proxmox-api.md §6). */
public final class GuestAgentReplies {

    /** The guest's first NIC, as a NixOS guest with predictable interface names on Proxmox calls it. */
    public static final String NIC_NAME = "ens18";
    static final int IPV4_PREFIX = 24;

    private GuestAgentReplies() {
    }

    /**
     * {@code lo} with 127.0.0.1 and ::1, then {@code ens18} with net0's MAC (lower-case, as Linux reports it), the
     * link-local IPv6 at once and the IPv4 address once the "DHCP lease" is there.
     */
    public static List<Map<String, Object>> networkInterfaces(QemuVm vm, long now) {
        List<Map<String, Object>> out = new ArrayList<>();
        Map<String, Object> lo = new LinkedHashMap<>();
        lo.put("name", "lo");
        lo.put("hardware-address", "00:00:00:00:00:00");
        lo.put("ip-addresses", List.of(address("127.0.0.1", "ipv4", 8), address("::1", "ipv6", 128)));
        lo.put("statistics", statistics(vm.uptimeSeconds() * 120 + 15957, vm.uptimeSeconds() + 185));
        out.add(lo);
        vm.net0Mac().ifPresent(mac -> {
            Map<String, Object> nic = new LinkedHashMap<>();
            nic.put("name", NIC_NAME);
            nic.put("hardware-address", mac.toLowerCase(Locale.ROOT));
            List<Map<String, Object>> addresses = new ArrayList<>();
            if (vm.hasIpv4(now)) {
                addresses.add(address(GuestAddresses.ipv4(vm.vmid()), "ipv4", IPV4_PREFIX));
            }
            addresses.add(address(MacAddresses.linkLocalIpv6(mac), "ipv6", 64));
            nic.put("ip-addresses", addresses);
            nic.put("statistics", statistics(vm.uptimeSeconds() * 2048 + 4096, vm.uptimeSeconds() * 8 + 32));
            out.add(nic);
        });
        return out;
    }

    private static Map<String, Object> address(String ip, String type, int prefix) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("ip-address", ip);
        a.put("ip-address-type", type);
        a.put("prefix", prefix);
        return a;
    }

    private static Map<String, Object> statistics(long bytes, long packets) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("rx-bytes", bytes);
        s.put("rx-packets", packets);
        s.put("rx-errs", 0);
        s.put("rx-dropped", 0);
        s.put("tx-bytes", bytes);
        s.put("tx-packets", packets);
        s.put("tx-errs", 0);
        s.put("tx-dropped", 0);
        return s;
    }

    public static Map<String, Object> osInfo() {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("id", "nixos");
        info.put("name", "NixOS");
        info.put("pretty-name", "NixOS 24.11 (Vicuna)");
        info.put("version", "24.11 (Vicuna)");
        info.put("version-id", "24.11");
        info.put("kernel-release", "6.6.63");
        info.put("kernel-version", "#1-NixOS SMP PREEMPT_DYNAMIC Thu Nov 28 12:00:00 UTC 2024");
        info.put("machine", "x86_64");
        return info;
    }
}
