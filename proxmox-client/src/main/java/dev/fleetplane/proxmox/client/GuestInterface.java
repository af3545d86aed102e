package dev.fleetplane.proxmox.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * One interface from the guest agent's {@code network-get-interfaces}.
 *
 * @param mac lower- or upper-case as the guest reports it; null when the agent omits it
 */
public record GuestInterface(String name, String mac, List<Address> addresses) {

    /** One address; {@code family} is {@code ipv4} or {@code ipv6}. */
    public record Address(String ip, String family, int prefix) {
    }

    public GuestInterface {
        addresses = List.copyOf(addresses);
    }

    /** Reads {@code {"result":[...]}}; interfaces without {@code ip-addresses} are kept with none. */
    static List<GuestInterface> listFrom(JsonNode data) {
        JsonFields.object(data, "agent answer");
        JsonNode result = JsonFields.array(data.get("result"), "agent 'result'");
        List<GuestInterface> out = new ArrayList<>();
        for (JsonNode i : result) {
            JsonFields.object(i, "an agent interface");
            List<Address> addrs = new ArrayList<>();
            JsonNode list = i.get("ip-addresses");
            if (list != null && !list.isNull()) {
                for (JsonNode a : JsonFields.array(list, "'ip-addresses'")) {
                    JsonFields.object(a, "an agent address");
                    String ip = JsonFields.text(a, "ip-address");
                    if (ip != null) {
                        addrs.add(new Address(ip, JsonFields.text(a, "ip-address-type", ip.contains(":") ? "ipv6" : "ipv4"),
                                JsonFields.intValue(a, "prefix", 0)));
                    }
                }
            }
            out.add(new GuestInterface(JsonFields.text(i, "name", ""), JsonFields.text(i, "hardware-address"), addrs));
        }
        return List.copyOf(out);
    }
}
