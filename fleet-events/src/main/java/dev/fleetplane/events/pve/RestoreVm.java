package dev.fleetplane.events.pve;

/**
 * Command: restore a vzdump backup archive as a new VM ({@code qmrestore}), e.g. the NixOS template image.
 *
 * @param vmid    the VMID to restore into; null or 0: the adapter allocates one from its configured range
 * @param archive the backup volume, e.g. {@code local:backup/vzdump-qemu-9003-2026_11_28-00_00_00.vma.zst}
 * @param storage target storage for every disk; null keeps the archive's
 * @param unique  give the VM new random MAC addresses
 */
public record RestoreVm(String node, Integer vmid, String archive, String storage, boolean unique) {
}
