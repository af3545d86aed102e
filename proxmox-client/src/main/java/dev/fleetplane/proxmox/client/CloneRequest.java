package dev.fleetplane.proxmox.client;

/**
 * Parameters of {@code POST /nodes/{node}/qemu/{template}/clone}.
 *
 * @param targetStorage full clones only; null keeps the source's storage
 */
public record CloneRequest(int newId, String name, boolean full, String targetStorage) {

    public CloneRequest {
        if (newId < 100 || newId > 999_999_999) {
            throw new IllegalArgumentException("clone target VMID " + newId + " must be within 100..999999999");
        }
        if (!full && targetStorage != null && !targetStorage.isBlank()) {
            throw new IllegalArgumentException("clone into VMID " + newId
                    + ": a target storage is only allowed for full clones (Proxmox refuses it for linked clones)");
        }
    }
}
