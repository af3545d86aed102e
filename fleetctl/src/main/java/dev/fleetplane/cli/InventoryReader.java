package dev.fleetplane.cli;

import dev.fleetplane.proxmox.client.ClusterVm;
import dev.fleetplane.proxmox.client.GuestInterface;
import dev.fleetplane.proxmox.client.GuestIpChoice;
import dev.fleetplane.proxmox.client.PveConnection;
import dev.fleetplane.proxmox.client.PveException;
import dev.fleetplane.proxmox.client.PveReadOnlyClient;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Reads {@code fleetplane inventory}'s rows from Proxmox. Kept out of {@link InventoryCommand} because picocli
 * reflects on every command's methods at startup: proxmox-client classes then load only when inventory runs.
 */
final class InventoryReader {

    private InventoryReader() {
    }

    /** The guests sorted by VMID; with {@code addresses}, the chosen IP of each running QEMU VM. */
    static List<InventoryRow> read(PveConnection connection, boolean addresses, boolean ipv6, boolean allowLoopback) {
        PveReadOnlyClient pve;
        try {
            pve = PveReadOnlyClient.connect(connection);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage()); // e.g. an unreadable --ca-file, named in the message
        }
        try {
            List<ClusterVm> vms = new ArrayList<>(pve.clusterVms());
            vms.sort(Comparator.comparingInt(ClusterVm::vmid));
            List<InventoryRow> rows = new ArrayList<>();
            for (ClusterVm vm : vms) {
                boolean ask = addresses && vm.isQemu() && !vm.template() && "running".equals(vm.status());
                rows.add(new InventoryRow(vm, ask ? address(pve, vm, ipv6, allowLoopback) : null));
            }
            return rows;
        } catch (PveException e) {
            throw new CliException(e.getMessage(), e);
        }
    }

    /** net0's MAC from the config, the agent's interfaces, then the adapter's own choice ({@link GuestIpChoice}). */
    private static InventoryRow.Address address(PveReadOnlyClient pve, ClusterVm vm, boolean ipv6, boolean allowLoopback) {
        try {
            String mac = pve.config(vm.node(), vm.vmid()).net0Mac().orElse(null);
            List<GuestInterface> interfaces = pve.guestInterfaces(vm.node(), vm.vmid());
            return InventoryRow.Address.of(GuestIpChoice.choose(mac, interfaces, ipv6, allowLoopback));
        } catch (PveException e) {
            return switch (e.failure()) {
                // One guest's agent (or a VM gone meanwhile) must not hide the rest of the inventory.
                case AGENT_NOT_CONFIGURED -> InventoryRow.Address.failed("guest agent not configured");
                case AGENT_NOT_RUNNING -> InventoryRow.Address.failed("guest agent not running");
                case VM_NOT_RUNNING, NOT_FOUND, LOCKED, FORBIDDEN ->
                        InventoryRow.Address.failed(e.failure().code() + ": " + e.pveMessage());
                default -> throw e;
            };
        }
    }
}
