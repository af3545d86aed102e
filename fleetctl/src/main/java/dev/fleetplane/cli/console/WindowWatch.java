package dev.fleetplane.cli.console;

import java.util.function.Consumer;
import sun.misc.Signal;

/**
 * Calls back when the terminal's window changes size: SIGWINCH, caught with {@code sun.misc.Signal} (module
 * jdk.unsupported, in every JDK since 9; the JDK has no public signal API). The handler runs on the JVM's signal
 * thread and only hands the event on; the size is read by the callback ({@code stty size}). When the JVM refuses the
 * signal, {@link #start} says so and the size is sent only once, at the start.
 */
public final class WindowWatch implements AutoCloseable {

    private static final Signal WINCH = new Signal("WINCH");
    private volatile Runnable onChange;
    private sun.misc.SignalHandler previous;

    private WindowWatch() {
    }

    /** Starts watching; {@code unavailable} is told why when SIGWINCH cannot be caught, and the watch does nothing. */
    public static WindowWatch start(Runnable onChange, Consumer<String> unavailable) {
        WindowWatch w = new WindowWatch();
        w.onChange = onChange;
        try {
            w.previous = Signal.handle(WINCH, s -> {
                Runnable r = w.onChange;
                if (r != null) {
                    Thread t = new Thread(r, "console-winch");
                    t.setDaemon(true);
                    t.start();
                }
            });
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            unavailable.accept("window-size changes are not forwarded: this JVM does not let SIGWINCH be caught ("
                    + e.getMessage() + ")");
        }
        return w;
    }

    @Override
    public void close() {
        onChange = null;
        if (previous != null) {
            try {
                Signal.handle(WINCH, previous);
            } catch (IllegalArgumentException ignored) {
                // the JVM is shutting down; nothing to put back
            }
        }
    }
}
