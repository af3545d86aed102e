package dev.fleetplane.events.pve;

/** Command: read the whole VM inventory (one {@code /cluster/resources} call) and publish it. */
public record SyncInventory(String reason) {
}
