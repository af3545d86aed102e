package dev.fleetplane.events.pve;

/** One address the guest agent reported. */
public record GuestAddress(String interfaceName, String mac, String ip, String family, int prefix) {
}
