package dev.fleetplane.events.provisioning;

/** The guest answered SSH at a different address after the switch (DHCP handed out a new lease). */
public record IpChanged(String host, int vmid, String from, String to) {
}
