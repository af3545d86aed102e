package dev.fleetplane.planner.power;

import dev.fleetplane.planner.lifecycle.HostState;

/**
 * The VM a power action is about, as the planner knows it.
 *
 * @param fleet    the fleet of the host; null when the VM is no host of an applied spec
 * @param host     the host name; null when the VM is no host of an applied spec (fleetplane does not own it)
 * @param readonly the host is {@code readonly} in its applied spec
 * @param state    the host's lifecycle state; null when the planner has no row for it
 * @param node     where the fresh inventory found the VM
 */
public record PowerTarget(String fleet, String host, int vmid, String vmName, String node, boolean template,
                          boolean readonly, HostState state) {

    public boolean owned() {
        return host != null;
    }

    /** The Kafka key and subject of the command: the host, or {@code vm-<vmid>} for a VM that is no host. */
    public String subject() {
        return owned() ? host : "vm-" + vmid;
    }

    /** For messages: {@code web (VMID 111)} or {@code VM 150 (hand-made)}. */
    public String describe() {
        if (owned()) {
            return "host " + host + " (VMID " + vmid + ")";
        }
        return "VM " + vmid + (vmName == null || vmName.isBlank() ? "" : " (" + vmName + ")");
    }
}
