package dev.fleetplane.console.session;

import dev.fleetplane.console.backend.BackendException;
import dev.fleetplane.console.backend.ConsoleBackend;
import dev.fleetplane.console.backend.ConsoleTarget;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The open consoles, one {@link ConsoleSession} per VM: a viewer asking for a host joins the VM's session, or starts
 * it. Plain Java (the CDI bean around it is {@code web.Consoles}); blocking, so callers are worker threads.
 */
public final class SessionHub implements AutoCloseable {

    private final ConsoleBackend backend;
    private final ConsoleSession.Settings settings;
    private final SessionListener listener;
    private final Clock clock;
    private final ScheduledExecutorService timers;
    private final Map<Integer, ConsoleSession> byVmid = new ConcurrentHashMap<>();

    public SessionHub(ConsoleBackend backend, ConsoleSession.Settings settings, SessionListener listener, Clock clock) {
        this.backend = backend;
        this.settings = settings;
        this.listener = listener;
        this.clock = clock;
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(2, r -> {
            Thread thread = Executors.defaultThreadFactory().newThread(r);
            thread.setName("console-timers-" + thread.getId());
            thread.setDaemon(true);
            return thread;
        });
        t.setRemoveOnCancelPolicy(true);
        this.timers = t;
    }

    public String backendName() {
        return backend.name();
    }

    /** Finds the host's VM. */
    public ConsoleTarget locate(String host) throws BackendException {
        return backend.locate(host).orElseThrow(() -> new BackendException(BackendException.Kind.NOT_FOUND,
                "no VM named " + host + " in the cluster (" + backend.name() + ")"));
    }

    /**
     * Puts {@code viewer} on the console of {@code target}'s VM, opening the line when nobody watches it yet.
     *
     * @return the session the viewer joined, for its later input, resizes and leaving
     */
    public ConsoleSession attach(ConsoleTarget target, Viewer viewer, int cols, int rows)
            throws BackendException, InterruptedException {
        while (true) {
            ConsoleSession s = byVmid.compute(target.vmid(), (vmid, old) ->
                    old == null || old.isClosed() || !old.target().equals(target) && old.viewerCount() == 0
                            ? new ConsoleSession(target, backend, settings, new Forget(), timers, clock)
                            : old);
            if (s.join(viewer, cols, rows)) {
                return s;
            }
            byVmid.remove(target.vmid(), s); // it closed while we came in: start a fresh one
        }
    }

    /** The consoles open now. */
    public List<ConsoleSession> sessions() {
        return new ArrayList<>(byVmid.values());
    }

    /** Ends every console (shutdown), telling each viewer. */
    @Override
    public void close() {
        for (ConsoleSession s : byVmid.values()) {
            s.shutdown(ConsoleSession.NORMAL, "the console gateway is shutting down");
        }
        byVmid.clear();
        timers.shutdownNow();
        try {
            timers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Passes every call on, and drops a closed session from the map. */
    private final class Forget implements SessionListener {

        @Override
        public void viewerOpened(ConsoleSession session, ViewerRecord viewer) {
            listener.viewerOpened(session, viewer);
        }

        @Override
        public void viewerClosed(ConsoleSession session, ViewerRecord viewer) {
            listener.viewerClosed(session, viewer);
        }

        @Override
        public void input(ConsoleSession session, String operator, byte[] bytes) {
            listener.input(session, operator, bytes);
        }

        @Override
        public void output(ConsoleSession session, byte[] bytes) {
            listener.output(session, bytes);
        }

        @Override
        public void closed(ConsoleSession session, String reason) {
            byVmid.remove(session.target().vmid(), session);
            listener.closed(session, reason);
        }
    }
}
