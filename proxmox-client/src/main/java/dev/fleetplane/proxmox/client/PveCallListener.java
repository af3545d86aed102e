package dev.fleetplane.proxmox.client;

import java.time.Duration;

/**
 * Hears every Proxmox API call a {@link ProxmoxClient} finished, for metrics: the service binds it to its meter
 * registry, the CLI binds nothing. Called on the calling thread after the answer (or the failure) arrived, so it must be
 * quick and must not throw.
 */
@FunctionalInterface
public interface PveCallListener {

    PveCallListener NONE = (operation, method, outcome, elapsed) -> { };

    /**
     * @param operation the client's name for the endpoint ({@code clone}, {@code status}, {@code task-status}…), never a
     *                  URL: it carries no VMID or node, so it stays a small set
     * @param outcome   {@code ok}, or the {@link PveException.Failure} code ({@code not-found}, {@code timeout}…)
     */
    void called(String operation, String method, String outcome, Duration elapsed);
}
