package dev.fleetplane.proxmox.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.proxmox.client.GuestInterface.Address;
import java.util.List;
import org.junit.jupiter.api.Test;

class GuestIpChoiceTest {

    private static final String NET0 = "BE:2A:81:98:BC:AD";

    private static GuestInterface nic(String name, String mac, String... ips) {
        return new GuestInterface(name, mac, java.util.Arrays.stream(ips)
                .map(ip -> new Address(ip, ip.contains(":") ? "ipv6" : "ipv4", ip.contains(":") ? 64 : 24)).toList());
    }

    private static final GuestInterface LO = nic("lo", "00:00:00:00:00:00", "127.0.0.1", "::1");

    @Test
    void choosesIpv4OfTheNicWithNet0sMac_caseInsensitively() {
        var r = GuestIpChoice.choose(NET0, List.of(LO,
                nic("docker0", "02:42:ac:11:00:01", "172.17.0.1"),
                nic("ens18", "be:2a:81:98:bc:ad", "fe80::bc2a:81ff:fe98:bcad", "192.168.1.50", "2001:db8::50")), false);
        assertEquals("192.168.1.50", r.chosenIp());
        assertEquals("ens18", r.chosenInterface());
        assertEquals(6, r.addresses().size());
    }

    @Test
    void neverChoosesAnotherNic_evenWithAUsableAddress() {
        var r = GuestIpChoice.choose(NET0, List.of(LO, nic("ens19", "be:2a:81:00:00:01", "10.0.0.9"),
                nic("ens18", NET0)), false);
        assertNull(r.chosenIp());
        assertTrue(r.note().contains("no global IPv4"), r.note());
    }

    @Test
    void linkLocalOnly_meansNothingYet() {
        var r = GuestIpChoice.choose(NET0, List.of(LO, nic("ens18", NET0, "fe80::1", "169.254.10.2")), false);
        assertNull(r.chosenIp());
        assertEquals(4, r.addresses().size());
    }

    @Test
    void missingNet0Interface_isExplained() {
        var r = GuestIpChoice.choose(NET0, List.of(LO, nic("eth0", "6e:c4:11:d0:53:10", "10.1.1.1")), false);
        assertNull(r.chosenIp());
        assertTrue(r.note().contains(NET0), r.note());
    }

    @Test
    void ipv6_onlyOnRequest() {
        var ifs = List.of(nic("ens18", NET0, "fe80::1", "2001:db8::50", "192.168.1.50"));
        assertEquals("192.168.1.50", GuestIpChoice.choose(NET0, ifs, false).chosenIp());
        assertEquals("2001:db8::50", GuestIpChoice.choose(NET0, ifs, true).chosenIp());
        assertNull(GuestIpChoice.choose(NET0, List.of(nic("ens18", NET0, "2001:db8::50")), false).chosenIp());
    }

    @Test
    void ipv6Request_fallsBackToIpv4() {
        assertEquals("192.168.1.50",
                GuestIpChoice.choose(NET0, List.of(nic("ens18", NET0, "fe80::1", "192.168.1.50")), true).chosenIp());
    }

    @Test
    void containerBridges_areNeverChosen_evenWithoutKnownMac() {
        var r = GuestIpChoice.choose(null, List.of(LO, nic("docker0", "02:42:ac:11:00:01", "172.17.0.1"),
                nic("cni0", "aa:aa:aa:aa:aa:01", "10.42.0.1"), nic("veth12ab", "aa:aa:aa:aa:aa:02", "10.42.0.7"),
                nic("br-5f2c", "aa:aa:aa:aa:aa:03", "172.18.0.1"), nic("ens18", NET0, "192.168.1.50")), false);
        assertEquals("192.168.1.50", r.chosenIp());
        assertTrue(r.note().contains("net0 MAC unknown"));
    }

    @Test
    void guestBridgeCarryingTheNicsMac_isChosen() {
        var r = GuestIpChoice.choose(NET0, List.of(nic("ens18", NET0), nic("br0", NET0, "192.168.1.60")), false);
        assertEquals("192.168.1.60", r.chosenIp());
        assertEquals("br0", r.chosenInterface());
    }

    @Test
    void usability_rules() {
        assertTrue(GuestIpChoice.isUsable("10.0.0.1"));
        assertTrue(GuestIpChoice.isUsable("fd00::5"));
        assertTrue(!GuestIpChoice.isUsable("127.0.0.53"));
        assertTrue(!GuestIpChoice.isUsable("0.0.0.0"));
        assertTrue(!GuestIpChoice.isUsable("224.0.0.1"));
        assertTrue(!GuestIpChoice.isUsable("fe80::1%ens18"));
        assertTrue(!GuestIpChoice.isUsable("::1"));
        assertTrue(!GuestIpChoice.isUsable("999.1.1.1"));
        assertTrue(!GuestIpChoice.isUsable("not-an-ip"));
    }

    @Test
    void loopbackOnTheNet0Nic_countsOnlyWhenAllowed_forSimulatedGuests() {
        var ifs = List.of(LO, nic("ens18", NET0, "fe80::bc2a:81ff:fe98:bcad", "127.77.0.111"));
        assertNull(GuestIpChoice.choose(NET0, ifs, false).chosenIp());
        assertEquals("127.77.0.111", GuestIpChoice.choose(NET0, ifs, false, true).chosenIp());
        assertNull(GuestIpChoice.choose(null, List.of(LO), false, true).chosenIp());
    }
}
