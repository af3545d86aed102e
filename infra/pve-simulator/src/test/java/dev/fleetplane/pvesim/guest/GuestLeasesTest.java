package dev.fleetplane.pvesim.guest;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GuestLeasesTest {

    @Test
    void theGuestNetworkHoldsALeaseAndANextLeaseForEachOfAThousandGuestsAtOnce() {
        GuestLeases leases = new GuestLeases(GuestNetwork.PREFIX);
        Set<Integer> hosts = new HashSet<>();
        for (int vmid = 1000; vmid < 2000; vmid++) {
            assertTrue(hosts.add(leases.lease(vmid)), "lease of VM " + vmid + " is unique");
            assertTrue(hosts.add(leases.nextLease(vmid)), "next lease of VM " + vmid + " is unique");
        }
        assertEquals(2000, leases.held());
        assertFalse(hosts.contains(0) || hosts.contains(1) || hosts.contains((1 << (32 - GuestNetwork.PREFIX)) - 1),
                "network, gateway and broadcast are never leased");
    }

    @Test
    void aDestroyedVmsLeaseAndNextLeaseAreReused() {
        GuestLeases leases = new GuestLeases(GuestNetwork.PREFIX);
        int lease = leases.lease(100);
        int next = leases.nextLease(100);
        leases.lease(101);
        leases.release(100);
        assertEquals(1, leases.held());
        assertEquals(lease, leases.lease(102), "the destroyed VM's lease goes to the next VM");
        assertEquals(next, leases.lease(103), "and so does its reserved next lease");
        assertTrue(leases.current(100).isEmpty());
    }

    @Test
    void aSwitchedVmsOldLeaseIsFreedAndReused() {
        GuestLeases leases = new GuestLeases(GuestNetwork.PREFIX);
        int old = leases.lease(100);
        int next = leases.nextLease(100);
        assertFalse(leases.moved(100, old), "still at its lease: no move");
        assertTrue(leases.moved(100, next));
        assertEquals(next, leases.current(100).orElseThrow());
        assertEquals(1, leases.held(), "the old lease is free once the VM took its new one");
        assertEquals(old, leases.lease(200), "the old lease goes to the next VM");
        assertFalse(leases.moved(100, next), "a second notice of the same move changes nothing");
    }

    @Test
    void aFullNetworkSaysSo() {
        GuestLeases leases = new GuestLeases(30); // 4 addresses: network, gateway, one lease, broadcast
        assertEquals(1, leases.capacity());
        leases.lease(1);
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> leases.lease(2));
        assertTrue(e.getMessage().contains("no free address left (1 leases held)"), e.getMessage());
    }
}
