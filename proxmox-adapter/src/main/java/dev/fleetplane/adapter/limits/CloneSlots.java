package dev.fleetplane.adapter.limits;

/**
 * Whether one more clone may start, given the clones in flight on its node and its target storage; pure.
 * Proxmox serialises config and storage locks, so too many parallel clones die on "can't lock file … got timeout".
 *
 * @param perNode    clones in flight per node
 * @param perStorage clones in flight per target storage (applies only when the clone names one)
 */
public record CloneSlots(int perNode, int perStorage) {

    public CloneSlots {
        if (perNode < 1 || perStorage < 1) {
            throw new IllegalArgumentException("clone limits must be at least 1, got clones-per-node=" + perNode
                    + " clones-per-storage=" + perStorage);
        }
    }

    /**
     * @param storage the clone's target storage, or null/blank when it has none (linked clone, template's storage)
     */
    public boolean free(int inFlightOnNode, String storage, int inFlightOnStorage) {
        if (inFlightOnNode >= perNode) {
            return false;
        }
        return storage == null || storage.isBlank() || inFlightOnStorage < perStorage;
    }
}
