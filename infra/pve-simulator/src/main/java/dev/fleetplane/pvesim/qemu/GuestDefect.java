package dev.fleetplane.pvesim.qemu;

/**
 * What is wrong inside a VM's image, for the life of the VM (and of its clones, which copy the disk): the faults a
 * template candidate can have that only show once it boots.
 */
public enum GuestDefect {
    /** qemu-guest-agent never runs: every agent call fails {@code 500 QEMU guest agent is not running}. */
    NO_AGENT,
    /** The guest never gets a DHCP lease: the agent answers, with loopback and link-local addresses only. */
    NO_DHCP
}
