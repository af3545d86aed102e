package dev.fleetplane.plancore.spec;

import java.util.Optional;

/**
 * One host of the hosts file. Hosts without {@code proxmox} are unmanaged: listed, never touched.
 *
 * @param user           the admin user fleetplane logs in as over SSH
 * @param rebuildCommand the host's own rebuild command, when it has one
 */
public record HostSpec(String name, String user, Optional<String> rebuildCommand, Optional<ProxmoxVm> proxmox) {

    public boolean managed() {
        return proxmox.isPresent();
    }
}
