package dev.fleetplane.pvesim.guest;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class AgentInterfacesTest {

    // Trimmed output of `ip -s -j addr show` in a netns guest: lo, then ens18 with a lease and its link-local address.
    private static final String IP_JSON = """
            [{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"link_type":"loopback",
              "address":"00:00:00:00:00:00","addr_info":[
                {"family":"inet","local":"127.0.0.1","prefixlen":8,"scope":"host","label":"lo"},
                {"family":"inet6","local":"::1","prefixlen":128,"scope":"host"}],
              "stats64":{"rx":{"bytes":10,"packets":1,"errors":0,"dropped":0},"tx":{"bytes":10,"packets":1,"errors":0,"dropped":0}}},
             {"ifindex":2,"link_index":7,"ifname":"ens18","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],
              "link_type":"ether","address":"bc:24:11:da:cd:55","link_netnsid":0,"addr_info":[
                {"family":"inet","local":"10.173.213.2","prefixlen":24,"scope":"global","label":"ens18"},
                {"family":"inet6","local":"fe80::be24:11ff:feda:cd55","prefixlen":64,"scope":"link"}],
              "stats64":{"rx":{"bytes":1166,"packets":13,"errors":0,"dropped":2},"tx":{"bytes":516,"packets":6,"errors":1,"dropped":0}}}]
            """;

    @Test
    void ipAddrJson_becomesQgaInterfaces_loFirst_withTypesPrefixesAndCounters() throws Exception {
        List<Map<String, Object>> nics = AgentInterfaces.from(new ObjectMapper().readTree(IP_JSON));
        assertEquals(2, nics.size());
        assertEquals("lo", nics.get(0).get("name"));
        assertEquals("00:00:00:00:00:00", nics.get(0).get("hardware-address"));
        Map<String, Object> nic = nics.get(1);
        assertEquals("ens18", nic.get("name"));
        assertEquals("bc:24:11:da:cd:55", nic.get("hardware-address"));
        assertEquals(List.of(
                Map.of("ip-address", "10.173.213.2", "ip-address-type", "ipv4", "prefix", 24),
                Map.of("ip-address", "fe80::be24:11ff:feda:cd55", "ip-address-type", "ipv6", "prefix", 64)),
                nic.get("ip-addresses"));
        @SuppressWarnings("unchecked")
        Map<String, Object> stats = (Map<String, Object>) nic.get("statistics");
        assertEquals(1166L, stats.get("rx-bytes"));
        assertEquals(2L, stats.get("rx-dropped"));
        assertEquals(1L, stats.get("tx-errs"));
    }

    @Test
    void interfaceWithoutAddressesOrCounters_hasEmptyAddressList_andNoStatistics() throws Exception {
        List<Map<String, Object>> nics = AgentInterfaces.from(new ObjectMapper().readTree(
                "[{\"ifname\":\"ens18\",\"address\":\"bc:24:11:00:00:01\",\"addr_info\":[]}]"));
        assertEquals(List.of(), nics.get(0).get("ip-addresses"));
        assertFalse(nics.get(0).containsKey("statistics"));
    }
}
