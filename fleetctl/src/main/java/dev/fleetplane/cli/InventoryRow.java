package dev.fleetplane.cli;

import dev.fleetplane.proxmox.client.ClusterVm;
import dev.fleetplane.proxmox.client.GuestIpChoice;
import java.util.List;

/**
 * One guest as {@code fleetplane inventory} shows it: the {@code /cluster/resources} entry, plus (with
 * {@code --addresses}) the address fleetplane would choose.
 *
 * @param address null when addresses were not asked for or do not apply (stopped VM, template, container)
 */
record InventoryRow(ClusterVm vm, Address address) {

    /**
     * The guest agent's view of a running VM.
     *
     * @param chosenIp  null when none qualifies (or the agent did not answer): then {@code note} says why
     * @param addresses every reported address, as {@code interface ip/prefix}
     */
    record Address(String chosenIp, String chosenInterface, List<GuestIpChoice.ReportedAddress> addresses,
                   String note) {

        static Address of(GuestIpChoice.Result r) {
            return new Address(r.chosenIp(), r.chosenInterface(), r.addresses(), r.note());
        }

        static Address failed(String note) {
            return new Address(null, null, List.of(), note);
        }
    }
}
