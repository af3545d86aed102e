package dev.fleetplane.plancore.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Optional;

/**
 * One host of the hosts file. Hosts without {@code proxmox} are unmanaged: listed, never touched.
 *
 * @param user           the admin user fleetplane logs in as over SSH
 * @param rebuildCommand the host's own rebuild command, when it has one
 * @param attributes     every other attribute of the host as written (hostname, publicKey, authorizedKeys,
 *                       configurationFile, ...): kept for the provisioner, never interpreted by the planner
 */
public record HostSpec(String name, String user, Optional<String> rebuildCommand, Optional<ProxmoxVm> proxmox,
                       Map<String, JsonNode> attributes) {

    public HostSpec(String name, String user, Optional<String> rebuildCommand, Optional<ProxmoxVm> proxmox) {
        this(name, user, rebuildCommand, proxmox, Map.of());
    }

    public boolean managed() {
        return proxmox.isPresent();
    }

    /** A kept attribute as text, when it is a string ({@code hostname}, {@code publicKey}, ...). */
    public Optional<String> attribute(String key) {
        JsonNode v = attributes.get(key);
        return v != null && v.isTextual() ? Optional.of(v.textValue()) : Optional.empty();
    }
}
