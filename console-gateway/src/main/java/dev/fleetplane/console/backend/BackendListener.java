package dev.fleetplane.console.backend;

/**
 * Hears one {@link BackendConnection}. Calls come from the backend's own thread, one at a time and in order; they
 * must not block (the gateway hands output on to its viewers' queues).
 */
public interface BackendListener {

    /** Bytes the VM wrote to its serial line (raw terminal output, UTF-8 possibly cut mid-character). */
    void onOutput(byte[] output);

    /**
     * The line is gone; called exactly once per connection.
     *
     * @param reason   what happened, for operators (never a ticket or key)
     * @param byRemote true when the other side ended it (Proxmox, the node, the network), false after {@code close()}
     */
    void onClosed(String reason, boolean byRemote);
}
