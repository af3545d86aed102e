package dev.fleetplane.events.pve;

import java.util.Map;

/**
 * Command: create a new VM ({@code POST /nodes/{node}/qemu}, task {@code qmcreate}) whose disk {@code diskKey} is
 * imported from an existing volume ({@code <storage>:0,import-from=<volid>}), with the rest of its configuration.
 *
 * @param vmid       the VMID to create; null or 0: the adapter allocates one from its configured range
 * @param importFrom the source volume, e.g. {@code local:import/nixos.qcow2}
 * @param storage    the storage the imported disk is written to
 * @param diskKey    the disk to import into, e.g. {@code scsi0} or {@code virtio0}
 * @param config     further configuration keys as Proxmox names them ({@code net0}, {@code agent}, {@code serial0},
 *                   {@code ide2}, {@code boot}, …); drive keys other than {@code ide2} are refused
 */
public record ImportVm(String node, Integer vmid, String name, String importFrom, String storage, String diskKey,
                       Map<String, String> config) {
}
