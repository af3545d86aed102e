package dev.fleetplane.plancore.spec;

import java.util.List;
import java.util.Optional;

/** An evaluated, validated hosts file: settings and hosts in the file's (sorted) order. */
public record HostsSpec(Optional<ProxmoxSettings> proxmox, FleetplaneSettings fleetplane, List<HostSpec> hosts) {

    public List<HostSpec> managedHosts() {
        return hosts.stream().filter(HostSpec::managed).toList();
    }

    public List<String> hostNames() {
        return hosts.stream().map(HostSpec::name).toList();
    }

    /** The command the provisioner runs on {@code host}: its own, else the fleet's, else the default. */
    public String rebuildCommandFor(HostSpec host) {
        String template = host.rebuildCommand()
                .or(fleetplane::rebuildCommand)
                .orElse(FleetplaneSettings.DEFAULT_REBUILD);
        return template.replace("{flake}", fleetplane.flake()).replace("{host}", host.name());
    }
}
