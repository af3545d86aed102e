package dev.fleetplane.events.plans;

/** A host moved in its lifecycle (Pending, Cloning, ..., Ready, Adopted, Failed). */
public record HostStateChanged(String fleet, String host, int vmid, String from, String to, String reason,
                               String ip) {
}
