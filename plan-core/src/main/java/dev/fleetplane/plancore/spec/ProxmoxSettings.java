package dev.fleetplane.plancore.spec;

/** The {@code _proxmox} block of a hosts file: where the fleet's VMs live and which template they clone. */
public record ProxmoxSettings(String host, String node, String defaultStorage, int templateVmid) {
}
