package dev.fleetplane.events.pve;

/**
 * The guest agent could not be asked.
 *
 * @param reason {@code not-configured}, {@code not-running}, {@code vm-not-running}, {@code error}
 */
public record GuestAgentUnavailable(String node, int vmid, String reason, String message) {
}
