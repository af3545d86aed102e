package dev.fleetplane.adapter.vmid;

import java.util.OptionalInt;
import java.util.Set;

/** Picks the lowest VMID of a range that no VM, no reservation and no earlier refusal holds; pure. */
public final class VmidChoice {

    private VmidChoice() {
    }

    /**
     * @param inUse    VMIDs Proxmox shows (VMs, containers, templates)
     * @param reserved VMIDs reserved in {@code vmid_lease} (by any replica)
     * @param refused  VMIDs this allocation already found taken ({@code /cluster/nextid} said no)
     */
    public static OptionalInt lowestFree(VmidRange range, Set<Integer> inUse, Set<Integer> reserved, Set<Integer> refused) {
        for (int vmid = range.first(); vmid <= range.last(); vmid++) {
            if (!inUse.contains(vmid) && !reserved.contains(vmid) && !refused.contains(vmid)) {
                return OptionalInt.of(vmid);
            }
        }
        return OptionalInt.empty();
    }
}
