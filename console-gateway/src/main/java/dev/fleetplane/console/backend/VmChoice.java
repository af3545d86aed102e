package dev.fleetplane.console.backend;

import dev.fleetplane.proxmox.client.ClusterVm;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Which VM a host's console belongs to, from the cluster's guest list (the API's {@code /cluster/resources?type=vm} or
 * {@code pvesh} on a node): the QEMU VM named like the host, templates and containers left out. Pure.
 */
public final class VmChoice {

    private VmChoice() {
    }

    /**
     * The VM named {@code host}; empty when there is none.
     *
     * @throws BackendException {@code REFUSED} when two or more VMs carry the name, naming every VMID: the gateway
     *                          will not guess which console an operator meant
     */
    public static Optional<ConsoleTarget> choose(String host, List<ClusterVm> guests) throws BackendException {
        List<ClusterVm> named = guests.stream()
                .filter(g -> g.isQemu() && !g.template() && host.equals(g.name()))
                .toList();
        if (named.isEmpty()) {
            return Optional.empty();
        }
        if (named.size() > 1) {
            throw new BackendException(BackendException.Kind.REFUSED, "host " + host + " is the name of "
                    + named.size() + " VMs (" + named.stream().map(g -> "VM " + g.vmid() + " on " + g.node())
                    .collect(Collectors.joining(", ")) + "): rename all but one so the console knows which to open");
        }
        ClusterVm vm = named.get(0);
        if (vm.node() == null || vm.node().isEmpty()) {
            throw new BackendException(BackendException.Kind.PROTOCOL, "the cluster lists VM " + vm.vmid()
                    + " (" + host + ") without a node");
        }
        return Optional.of(new ConsoleTarget(host, vm.node(), vm.vmid()));
    }
}
