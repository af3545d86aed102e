package dev.fleetplane.cli;

import java.util.Set;

/**
 * Picks the VMID of a new host: Proxmox's next free one, stepped past the VMIDs the spec already gives its hosts
 * (and its template), each later candidate checked with Proxmox, within 100-8999 (the range the seed workflow's
 * schema gives VMs; 9000 and up are templates). Pure apart from the {@link VmidSource}.
 */
final class VmidChoice {

    static final int LOWEST = 100;
    static final int HIGHEST = 8999;

    private VmidChoice() {
    }

    static int choose(VmidSource proxmox, Set<Integer> usedBySpec) {
        int next = proxmox.next();
        if (next < LOWEST || next > HIGHEST) {
            throw new CliException("Proxmox's next free VMID is " + next + ", outside " + LOWEST + "-" + HIGHEST
                    + " (the range for VMs; templates live at 9000 and up): free one, or pass the VMID by hand");
        }
        for (int candidate = next; candidate <= HIGHEST; candidate++) {
            if (usedBySpec.contains(candidate)) {
                continue;
            }
            // Proxmox named `next` itself as free; every later candidate is asked (something may live there).
            if (candidate == next || proxmox.isFree(candidate)) {
                return candidate;
            }
        }
        throw new CliException("no VMID between " + next + " and " + HIGHEST + " is free both in Proxmox and in the spec");
    }
}
