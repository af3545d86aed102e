package dev.fleetplane.console.session;

/**
 * Hears what happens on a console, for the audit and the transcript. Calls are made while the session's lock is
 * held, in the order things happened: they must return at once (queue, never block on I/O).
 */
public interface SessionListener {

    void viewerOpened(ConsoleSession session, ViewerRecord viewer);

    void viewerClosed(ConsoleSession session, ViewerRecord viewer);

    /** Input typed by {@code operator} that was sent to the VM. */
    void input(ConsoleSession session, String operator, byte[] bytes);

    /** Output from the VM. */
    void output(ConsoleSession session, byte[] bytes);

    /** The console ended: no viewer is left, and its line is closed. */
    void closed(ConsoleSession session, String reason);
}
