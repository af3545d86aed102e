package dev.fleetplane.console.session;

import dev.fleetplane.console.backend.BackendConnection;
import dev.fleetplane.console.backend.BackendException;
import dev.fleetplane.console.backend.BackendListener;
import dev.fleetplane.console.backend.ConsoleBackend;
import dev.fleetplane.console.backend.ConsoleTarget;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingDeque;

/**
 * An in-memory backend for the session's unit tests: every open is recorded, and the test plays the VM (output, a
 * dropped line) through the {@link Line} it gets. The real backends are tested against the simulator.
 */
final class FakeBackend implements ConsoleBackend {

    /** What the next opens do: succeed, or fail with this exception. */
    final LinkedBlockingDeque<BackendException> failures = new LinkedBlockingDeque<>();
    final List<Line> lines = new CopyOnWriteArrayList<>();

    final class Line implements BackendConnection {
        final BackendListener listener;
        final ByteArrayOutputStream sent = new ByteArrayOutputStream();
        final List<String> sizes = new ArrayList<>();
        volatile boolean closed;

        Line(BackendListener listener, int cols, int rows) {
            this.listener = listener;
            sizes.add(cols + "x" + rows);
        }

        @Override
        public synchronized void send(byte[] input) {
            sent.writeBytes(input);
        }

        synchronized String sent() {
            return sent.toString(java.nio.charset.StandardCharsets.UTF_8);
        }

        @Override
        public synchronized void resize(int cols, int rows) {
            sizes.add(cols + "x" + rows);
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                listener.onClosed("closed", false);
            }
        }

        void vmWrites(String text) {
            listener.onOutput(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }

        void drop(String why) {
            closed = true;
            listener.onClosed(why, true);
        }
    }

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public Optional<ConsoleTarget> locate(String host) {
        return Optional.of(new ConsoleTarget(host, "pve", 101));
    }

    @Override
    public BackendConnection open(ConsoleTarget target, int cols, int rows, BackendListener listener)
            throws BackendException {
        BackendException failure = failures.poll();
        if (failure != null) {
            throw failure;
        }
        Line l = new Line(listener, cols, rows);
        lines.add(l);
        return l;
    }

    Line last() {
        return lines.get(lines.size() - 1);
    }
}
