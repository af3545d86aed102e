package dev.fleetplane.console.backend;

import java.util.Optional;

/**
 * One way to reach a VM's serial line: the Proxmox API ({@code termproxy} + {@code vncwebsocket}) or SSH to the node
 * running {@code qm terminal}. The gateway holds at most one {@link BackendConnection} per VM and shares it between
 * every viewer; the backend knows nothing of viewers.
 */
public interface ConsoleBackend {

    /** Short name for audit records and status messages: {@code pve-api} or {@code node-ssh}. */
    String name();

    /**
     * Finds the VM whose name is {@code host}; empty when the cluster has none. Blocking.
     *
     * @throws BackendException when the cluster cannot be asked (unreachable, credentials refused)
     */
    Optional<ConsoleTarget> locate(String host) throws BackendException;

    /**
     * Opens the VM's {@code serial0} with a terminal of {@code cols} x {@code rows}. Blocks until the line is open
     * (the Proxmox greeting read, or {@code qm terminal} started) or fails; from then on output flows to
     * {@code listener}. Blocking; never called on an event loop.
     *
     * @throws BackendException naming why: the VM is stopped, has no {@code serial0}, the ticket or login was
     *                          refused, the node is unreachable, the other side broke the protocol
     */
    BackendConnection open(ConsoleTarget target, int cols, int rows, BackendListener listener) throws BackendException;
}
