package dev.fleetplane.console.backend;

import java.util.Objects;

/**
 * The VM behind a host's console: the host name operators type, and where Proxmox keeps the VM.
 *
 * @param host the host (the VM's name in Proxmox, as hosts.nix names it)
 * @param node the Proxmox node the VM runs on
 * @param vmid the VM's id
 */
public record ConsoleTarget(String host, String node, int vmid) {

    public ConsoleTarget {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(node, "node");
        if (vmid < 100) {
            throw new IllegalArgumentException("a VMID is 100 or more, got " + vmid + " for host " + host);
        }
    }

    @Override
    public String toString() {
        return host + " (VM " + vmid + " on " + node + ")";
    }
}
