package dev.fleetplane.pvesim.qemu;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GuestNetworkTest {

    @Test
    void macs_useProxmoxOui_upperCase_unique_andReproducible() {
        MacAddresses a = new MacAddresses(42);
        MacAddresses b = new MacAddresses(42);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            String mac = a.next();
            assertTrue(mac.matches("BC:24:11:[0-9A-F]{2}:[0-9A-F]{2}:[0-9A-F]{2}"), mac);
            assertTrue(seen.add(mac), "duplicate " + mac);
            assertEquals(mac, b.next());
        }
        assertNotEquals(new MacAddresses(1).next(), new MacAddresses(2).next());
    }

    @Test
    void macs_neverHandOutAReservedAddress() {
        MacAddresses probe = new MacAddresses(7);
        String first = probe.next();
        MacAddresses macs = new MacAddresses(7);
        macs.reserve(first.toLowerCase());
        assertNotEquals(first, macs.next());
    }

    @Test
    void linkLocal_isEui64OfTheMac_asLinuxDerivesIt() {
        assertEquals("fe80::bc2a:81ff:fe98:bcad", MacAddresses.linkLocalIpv6("be:2a:81:98:bc:ad"));
        assertEquals("fe80::be24:11ff:fe00:1", MacAddresses.linkLocalIpv6("BC:24:11:00:00:01"));
    }

    @Test
    void guestIpv4_isLoopbackPerVmid_andDistinct() {
        assertEquals("127.77.0.110", GuestAddresses.ipv4(110));
        assertEquals("127.77.35.43", GuestAddresses.ipv4(9003));
        assertEquals("127.77.255.255", GuestAddresses.ipv4(65535));
        Set<String> seen = new HashSet<>();
        for (int vmid = 100; vmid < 200_000; vmid++) {
            String ip = GuestAddresses.ipv4(vmid);
            assertTrue(ip.startsWith("127."), ip);
            assertTrue(seen.add(ip), "VM " + vmid + " shares " + ip);
        }
    }

    @Test
    void net_withoutMac_getsOneAfterTheModel_andKeepsOtherOptions() {
        dev.fleetplane.pvesim.http.ApiCall call =
                new dev.fleetplane.pvesim.http.ApiCall("PUT", "/", java.util.Map.of(), java.util.Map.of(), "root@pam");
        MacAddresses macs = new MacAddresses(3);
        String expected = new MacAddresses(3).next();
        assertEquals("virtio=" + expected + ",bridge=vmbr0,firewall=1",
                ConfigSchema.normalizeNet(call, "net0", "model=virtio,bridge=vmbr0,firewall=1", macs));
        assertEquals("e1000=AA:BB:CC:DD:EE:FF,bridge=vmbr1",
                ConfigSchema.normalizeNet(call, "net0", "e1000=aa:bb:cc:dd:ee:ff,bridge=vmbr1", macs));
        call.check();
    }

    @Test
    void tags_areLowerCasedDeduplicatedSortedAndSemicolonJoined() {
        assertEquals("dev;prod;web", ConfigSchema.normalizeTags("Web,prod dev;web"));
    }

    @Test
    void diskSizes_parseFormatAndResizeTargets() {
        assertEquals(8L << 30, DiskSize.parse("8G"));
        assertEquals("80G", DiskSize.format(80L << 30));
        assertEquals("1536M", DiskSize.format(1536L << 20));
        assertEquals("2T", DiskSize.format(2L << 40));
        assertEquals(74L << 30, DiskSize.target("+10G", 64L << 30));
        assertEquals(40L << 30, DiskSize.target("40G", 64L << 30));
        assertEquals(-1, DiskSize.parse("+1G"));
    }
}
