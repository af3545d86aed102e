package dev.fleetplane.pvesim.guest;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns {@code ip -s -j addr show} output into QGA's {@code network-get-interfaces} reply (proxmox-api.md §6). */
final class AgentInterfaces {

    private AgentInterfaces() {
    }

    static List<Map<String, Object>> from(JsonNode links) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (JsonNode link : links) {
            Map<String, Object> nic = new LinkedHashMap<>();
            nic.put("name", link.path("ifname").asText());
            nic.put("hardware-address", link.path("address").asText("00:00:00:00:00:00"));
            List<Map<String, Object>> addresses = new ArrayList<>();
            for (JsonNode a : link.path("addr_info")) {
                String family = a.path("family").asText();
                if (!family.equals("inet") && !family.equals("inet6")) {
                    continue;
                }
                Map<String, Object> address = new LinkedHashMap<>();
                address.put("ip-address", a.path("local").asText());
                address.put("ip-address-type", family.equals("inet") ? "ipv4" : "ipv6");
                address.put("prefix", a.path("prefixlen").asInt());
                addresses.add(address);
            }
            nic.put("ip-addresses", addresses);
            JsonNode stats = link.path("stats64");
            if (!stats.isMissingNode()) {
                Map<String, Object> s = new LinkedHashMap<>();
                for (String dir : List.of("rx", "tx")) {
                    JsonNode d = stats.path(dir);
                    s.put(dir + "-bytes", d.path("bytes").asLong());
                    s.put(dir + "-packets", d.path("packets").asLong());
                    s.put(dir + "-errs", d.path("errors").asLong());
                    s.put(dir + "-dropped", d.path("dropped").asLong());
                }
                nic.put("statistics", s);
            }
            out.add(nic);
        }
        return out;
    }
}
