package dev.fleetplane.pvesim.guest;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The guest LAN's "DHCP server" bookkeeping, as host numbers in a subnet of {@code /prefix}: per VM a lease (handed
 * out on first use, kept across reboots) and the next lease it moves to at its next network restart. A VM that moves
 * gives its old lease back; a destroyed VM gives back both. Host numbers 0 (network), 1 (gateway, the bridge) and the
 * last (broadcast) are never leased; the lowest free number is handed out first, so a freed lease is reused.
 */
final class GuestLeases {

    private final int size;
    private final BitSet used;
    private final Map<Integer, Integer> leases = new HashMap<>();
    private final Map<Integer, Integer> nextLeases = new HashMap<>();

    GuestLeases(int prefix) {
        if (prefix < 16 || prefix > 30) {
            throw new IllegalArgumentException("guest network prefix /" + prefix + " is outside /16../30");
        }
        this.size = 1 << (32 - prefix);
        this.used = new BitSet(size);
        used.set(0, 2);
        used.set(size - 1);
    }

    /** How many addresses the subnet can lease at most. */
    int capacity() {
        return size - 3;
    }

    /** How many addresses are leased or reserved now. */
    synchronized int held() {
        return used.cardinality() - 3;
    }

    synchronized int lease(int vmid) {
        return leases.computeIfAbsent(vmid, v -> allocate());
    }

    synchronized int nextLease(int vmid) {
        lease(vmid);
        return nextLeases.computeIfAbsent(vmid, v -> allocate());
    }

    /** The VM now holds host {@code host}: if that is its next lease, it becomes its lease and the old one is free. */
    synchronized boolean moved(int vmid, int host) {
        Integer next = nextLeases.get(vmid);
        if (next == null || next != host) {
            return false;
        }
        Integer old = leases.put(vmid, nextLeases.remove(vmid));
        if (old != null) {
            used.clear(old);
        }
        return true;
    }

    synchronized Optional<Integer> current(int vmid) {
        return Optional.ofNullable(leases.get(vmid));
    }

    synchronized void release(int vmid) {
        Integer old = leases.remove(vmid);
        Integer next = nextLeases.remove(vmid);
        if (old != null) {
            used.clear(old);
        }
        if (next != null) {
            used.clear(next);
        }
    }

    private int allocate() {
        int host = used.nextClearBit(2);
        if (host >= size - 1) {
            throw new IllegalStateException("the guest network has no free address left (" + capacity()
                    + " leases held)");
        }
        used.set(host);
        return host;
    }
}
