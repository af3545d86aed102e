package dev.fleetplane.console.session;

/**
 * One client watching a console, as the session sees it. Every method returns at once (the client's own queue
 * takes the bytes) and does nothing once the viewer is closed; calls come in the order the session makes them.
 */
public interface Viewer {

    /** The viewer session's id: one per connection, the key of its audit records. */
    String id();

    /** Who: the operator the token belongs to. */
    String operator();

    /** Where from: the client's address. */
    String from();

    /** Whether the operator may take the keyboard. */
    boolean mayWrite();

    /** VM output (or scrollback) for this client. */
    void output(byte[] bytes);

    /** A control message for this client. */
    void control(ServerMessage message);

    /** Ends this client's connection with a WebSocket close code and a reason in words. */
    void close(int code, String reason);
}
