package dev.fleetplane.console.backend;

/**
 * An open serial line. Methods may be called from any thread, never block on the network for long (input is queued
 * and written in order), and do nothing once the connection is closed.
 */
public interface BackendConnection extends AutoCloseable {

    /** Writes input bytes to the VM's serial line, in order; the connection frames them for its transport. */
    void send(byte[] input);

    /** Sets the terminal size the VM's side sees (columns first); 1..65535 each. */
    void resize(int cols, int rows);

    /** Closes the line; idempotent. The listener then hears {@code onClosed(..., false)} once, if it has not yet. */
    @Override
    void close();
}
