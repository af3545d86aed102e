package dev.fleetplane.proxmox.client;

import java.util.Objects;

/**
 * A restore of a vzdump archive into {@code vmid} ({@code POST /nodes/{node}/qemu} with {@code archive}).
 *
 * @param archive the backup volume, e.g. {@code local:backup/vzdump-qemu-9000-2024_01_01-00_00_00.vma.zst}
 * @param storage target storage for every disk; null keeps each disk's storage from the archive
 * @param unique  new random MACs instead of the archived ones
 * @param force   overwrite an existing (stopped) VM with that VMID
 * @param start   start the VM once restored
 */
public record RestoreRequest(int vmid, String archive, String storage, boolean unique, boolean force, boolean start) {

    public RestoreRequest {
        if (vmid < 100 || vmid > 999_999_999) {
            throw new IllegalArgumentException("restore: vmid must be between 100 and 999999999, got " + vmid);
        }
        Objects.requireNonNull(archive, "restore: archive volume is missing");
        if (archive.isBlank()) {
            throw new IllegalArgumentException("restore: archive volume is blank");
        }
        if (storage != null && storage.isBlank()) {
            storage = null;
        }
    }

    /** A restore keeping the archive's storages and MACs, without force or start. */
    public static RestoreRequest of(int vmid, String archive) {
        return new RestoreRequest(vmid, archive, null, false, false, false);
    }
}
