package dev.fleetplane.cli;

import dev.fleetplane.plancore.spec.VmidRange;
import java.util.Set;

/**
 * Picks the VMID of a new host: Proxmox's next free one, stepped past the VMIDs the spec already gives its hosts
 * (and its template), each later candidate checked with Proxmox, within the spec's {@code _fleetplane.vmidRange}
 * (default 100-8999, the range the seed workflow's schema gives VMs; 9000 and up are templates). Pure apart from the
 * {@link VmidSource}.
 */
final class VmidChoice {

    static final int LOWEST = VmidRange.DEFAULT.first();
    static final int HIGHEST = VmidRange.DEFAULT.last();

    private VmidChoice() {
    }

    static int choose(VmidSource proxmox, Set<Integer> usedBySpec) {
        return choose(proxmox, usedBySpec, VmidRange.DEFAULT);
    }

    static int choose(VmidSource proxmox, Set<Integer> usedBySpec, VmidRange range) {
        int next = proxmox.next();
        if (next > range.last()) {
            throw new CliException("Proxmox's next free VMID is " + next + ", outside " + range
                    + " (_fleetplane.vmidRange, the range for VMs; templates live above it): free one, or pass the"
                    + " VMID by hand");
        }
        // Below the range, Proxmox's next is not a candidate: every VMID from the range's start is asked.
        for (int candidate = Math.max(next, range.first()); candidate <= range.last(); candidate++) {
            if (usedBySpec.contains(candidate)) {
                continue;
            }
            // Proxmox named `next` itself as free; every later candidate is asked (something may live there).
            if (candidate == next || proxmox.isFree(candidate)) {
                return candidate;
            }
        }
        throw new CliException("no VMID between " + Math.max(next, range.first()) + " and " + range.last()
                + " is free both in Proxmox and in the spec");
    }
}
