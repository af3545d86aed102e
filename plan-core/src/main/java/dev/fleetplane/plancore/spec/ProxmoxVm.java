package dev.fleetplane.plancore.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code proxmox} attribute set of a managed host. Optional attributes that are empty were not written
 * in the spec: the diff engine never compares them (a VM keeps whatever Proxmox has).
 *
 * @param name               the VM name in Proxmox (defaults to the host key)
 * @param storage            target storage of the clone; empty = {@code _proxmox.defaultStorage}
 * @param cloneFromTemplate  false for imported VMs: fleetplane adopts them and never clones or destroys them
 * @param bios               {@code seabios} or {@code ovmf}
 * @param cpuType            Proxmox CPU type ({@code host}, {@code x86-64-v2-AES}, ...)
 * @param machine            Proxmox machine type ({@code q35}, {@code pc-i440fx-8.1}, ...)
 * @param onBoot             Proxmox {@code onboot}: start the VM when the node boots
 * @param diskInterface      the key of the boot disk ({@code virtio0}, {@code scsi0}, {@code sata0}, {@code ide0})
 * @param ignoreInit         drift of the attributes that only matter when the VM is made (storage) is ignored
 * @param tags               Proxmox tags, as written
 * @param ignoreChangesExtra attributes whose drift is ignored, as written (fleetplane's or bpg's names, see
 *                           {@link IgnoreChanges})
 * @param readonly           the VM is never changed, created or destroyed by fleetplane
 * @param allowDestroy       the per-host permission to destroy the VM once the host leaves the spec
 * @param other              attributes fleetplane does not know (warned about), kept as given
 */
public record ProxmoxVm(int vmid, int cores, int memoryMb, String disk, long diskBytes, String name,
                        Optional<String> storage, boolean cloneFromTemplate, Optional<String> bios,
                        Optional<String> cpuType, Optional<String> machine, Optional<Boolean> onBoot,
                        Optional<String> diskInterface,
                        boolean ignoreInit, Optional<List<String>> tags, Optional<String> description,
                        List<String> ignoreChangesExtra, boolean readonly, Optional<Boolean> allowDestroy,
                        Map<String, JsonNode> other) {

    /** A VM with only the required attributes and defaults for the rest (tests, generators). */
    public static ProxmoxVm basic(int vmid, int cores, int memoryMb, String disk, String name) {
        return new ProxmoxVm(vmid, cores, memoryMb, disk, DiskSize.parse(disk).orElseThrow(), name, Optional.empty(),
                true, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), false,
                Optional.empty(), Optional.empty(), List.of(), false, Optional.empty(), Map.of());
    }

    /** The compared attributes {@link #ignoreChangesExtra} stops comparing. */
    public java.util.Set<VmAttribute> ignored() {
        return IgnoreChanges.attributes(ignoreChangesExtra);
    }
}
