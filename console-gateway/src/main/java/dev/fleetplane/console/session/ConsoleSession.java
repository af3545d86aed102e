package dev.fleetplane.console.session;

import dev.fleetplane.console.backend.BackendConnection;
import dev.fleetplane.console.backend.BackendException;
import dev.fleetplane.console.backend.BackendListener;
import dev.fleetplane.console.backend.ConsoleBackend;
import dev.fleetplane.console.backend.ConsoleTarget;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One VM's console, shared by every viewer: one backend connection, one writer at a time, a bounded scrollback for
 * late joiners, an idle timeout, a linger after the last viewer leaves, and reconnects when the line drops.
 *
 * <p>All state is guarded by this object's monitor. Opening and reopening the line happen outside it (they block on
 * the network); output, input and viewer changes are handled under it, so every viewer and the audit see them in one
 * order. Viewers and the listener never block (see {@link Viewer}, {@link SessionListener}).
 */
public final class ConsoleSession implements BackendListener {

    /** Close codes sent to viewers (console-gateway/DESIGN.md lists them all). */
    public static final int IDLE = 4000;
    public static final int VM_REFUSED = 4409;
    public static final int LINE_LOST = 1011;
    public static final int NORMAL = 1000;

    private enum State { NEW, OPENING, OPEN, RECONNECTING, CLOSED }

    /** The settings a session runs with. */
    public record Settings(int scrollbackBytes, Duration idleTimeout, Duration linger, ReconnectPolicy reconnect,
                           Duration openWait) {
    }

    private static final class Watcher {
        final Viewer viewer;
        final Instant openedAt;
        final List<ViewerRecord.Period> periods = new ArrayList<>();
        Instant holdingSince;
        long bytesIn;
        long bytesOut;
        int cols;
        int rows;

        Watcher(Viewer viewer, Instant openedAt, int cols, int rows) {
            this.viewer = viewer;
            this.openedAt = openedAt;
            this.cols = cols;
            this.rows = rows;
        }
    }

    private final String id = UUID.randomUUID().toString();
    private final ConsoleTarget target;
    private final ConsoleBackend backend;
    private final Settings settings;
    private final SessionListener listener;
    private final ScheduledExecutorService timers;
    private final Clock clock;
    private final Scrollback scrollback;
    private final Map<String, Watcher> watchers = new LinkedHashMap<>();
    private final CompletableFuture<Void> opened = new CompletableFuture<>();

    private State state = State.NEW;
    private BackendConnection line;
    private Watcher writer;
    private int cols = 80;
    private int rows = 24;
    private Instant lastActivity;
    private int reconnectAttempt;
    private String closeReason;
    private ScheduledFuture<?> lingerTimer;
    private ScheduledFuture<?> idleTimer;
    private ScheduledFuture<?> reconnectTimer;

    public ConsoleSession(ConsoleTarget target, ConsoleBackend backend, Settings settings, SessionListener listener,
                          ScheduledExecutorService timers, Clock clock) {
        this.target = target;
        this.backend = backend;
        this.settings = settings;
        this.listener = listener;
        this.timers = timers;
        this.clock = clock;
        this.scrollback = new Scrollback(settings.scrollbackBytes());
        this.lastActivity = clock.instant();
    }

    /** This console's id: one per opening of the line, the key of its transcript. */
    public String id() {
        return id;
    }

    public ConsoleTarget target() {
        return target;
    }

    public String backendName() {
        return backend.name();
    }

    /** Whether the session has ended; a closed session admits nobody (the hub starts a new one). */
    public synchronized boolean isClosed() {
        return state == State.CLOSED;
    }

    public synchronized int viewerCount() {
        return watchers.size();
    }

    /**
     * Admits {@code viewer}: the first viewer opens the line (blocking, outside the lock), later ones wait for that.
     * The viewer then gets its welcome, the scrollback, and the lock state; it takes the keyboard if nobody holds it
     * and it may write.
     *
     * @return false when this session closed before the viewer got in (the caller asks the hub again)
     * @throws BackendException when the line cannot be opened
     */
    public boolean join(Viewer viewer, int cols, int rows) throws BackendException, InterruptedException {
        boolean opener;
        synchronized (this) {
            if (state == State.CLOSED) {
                return false;
            }
            opener = state == State.NEW;
            if (opener) {
                state = State.OPENING;
                this.cols = cols;
                this.rows = rows;
            }
        }
        if (opener) {
            open(cols, rows);
        } else {
            awaitOpen();
        }
        synchronized (this) {
            if (state == State.CLOSED) {
                return false;
            }
            Instant now = clock.instant();
            Watcher w = new Watcher(viewer, now, cols, rows);
            watchers.put(viewer.id(), w);
            cancel(lingerTimer);
            lingerTimer = null;
            viewer.control(new ServerMessage.Welcome(viewer.id(), id, target.host(), target.vmid(), target.node(),
                    backend.name(), viewer.operator(), viewer.mayWrite() ? "write" : "read"));
            byte[] replay = scrollback.snapshot();
            viewer.control(new ServerMessage.Replay(replay.length));
            if (replay.length > 0) {
                viewer.output(replay);
                w.bytesOut += replay.length;
            }
            if (state == State.RECONNECTING) {
                viewer.control(new ServerMessage.Backend("reconnecting", "the console line dropped; reconnecting"));
            }
            listener.viewerOpened(this, record(w, null, null));
            if (writer == null && viewer.mayWrite()) {
                giveKeyboard(w, now);
            }
            broadcastLock();
            return true;
        }
    }

    private void open(int c, int r) throws BackendException, InterruptedException {
        BackendConnection opened;
        try {
            opened = backend.open(target, c, r, this);
        } catch (BackendException | RuntimeException e) {
            synchronized (this) {
                state = State.CLOSED;
                closeReason = e.getMessage();
            }
            this.opened.completeExceptionally(e);
            listener.closed(this, "could not open: " + e.getMessage());
            throw e;
        }
        synchronized (this) {
            line = opened;
            state = State.OPEN;
            lastActivity = clock.instant();
            scheduleIdleCheck();
        }
        this.opened.complete(null);
    }

    private void awaitOpen() throws BackendException, InterruptedException {
        try {
            opened.get(settings.openWait().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof BackendException b) {
                throw new BackendException(b.kind(), b.getMessage(), b);
            }
            throw new BackendException(BackendException.Kind.UNREACHABLE, "opening the console failed: "
                    + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new BackendException(BackendException.Kind.UNREACHABLE, "the console of " + target
                    + " did not open within " + settings.openWait().toSeconds() + " s");
        }
    }

    /** Input from a viewer: sent to the VM when it holds the keyboard, refused (and the viewer told) otherwise. */
    public synchronized void input(Viewer viewer, byte[] bytes) {
        Watcher w = watchers.get(viewer.id());
        if (w == null || bytes.length == 0) {
            return;
        }
        if (w != writer) {
            viewer.control(new ServerMessage.Error("read-only", writer == null
                    ? "read-only: nobody has the keyboard; take it first"
                    : "read-only: " + writer.viewer.operator() + " has the keyboard"));
            return;
        }
        if (line == null) {
            viewer.control(new ServerMessage.Error("reconnecting",
                    "the console line is reconnecting; " + bytes.length + " bytes of input were not sent"));
            return;
        }
        line.send(bytes);
        w.bytesIn += bytes.length;
        lastActivity = clock.instant();
        listener.input(this, viewer.operator(), bytes);
    }

    /** A viewer's window size; the VM's terminal follows the writer's. */
    public synchronized void resize(Viewer viewer, int c, int r) {
        Watcher w = watchers.get(viewer.id());
        if (w == null) {
            return;
        }
        w.cols = c;
        w.rows = r;
        if (w == writer) {
            applySize(c, r);
        }
    }

    /** A viewer takes the keyboard; the previous writer becomes a reader. */
    public synchronized void take(Viewer viewer) {
        Watcher w = watchers.get(viewer.id());
        if (w == null || w == writer) {
            return;
        }
        if (!viewer.mayWrite()) {
            viewer.control(new ServerMessage.Error("not-allowed",
                    "operator " + viewer.operator() + " has read access only and cannot take the keyboard"));
            return;
        }
        Instant now = clock.instant();
        if (writer != null) {
            endHolding(writer, now);
        }
        giveKeyboard(w, now);
        broadcastLock();
    }

    /** The writer gives the keyboard up; nobody holds it until someone takes it. */
    public synchronized void release(Viewer viewer) {
        Watcher w = watchers.get(viewer.id());
        if (w == null || w != writer) {
            return;
        }
        endHolding(w, clock.instant());
        writer = null;
        broadcastLock();
    }

    /** A viewer left (or was dropped): its audit record closes; the keyboard passes to the longest-present writer. */
    public synchronized void leave(Viewer viewer, String reason) {
        Watcher w = watchers.remove(viewer.id());
        if (w == null) {
            return;
        }
        Instant now = clock.instant();
        if (w == writer) {
            endHolding(w, now);
            writer = null;
            watchers.values().stream().filter(o -> o.viewer.mayWrite()).findFirst()
                    .ifPresent(next -> giveKeyboard(next, now));
        }
        listener.viewerClosed(this, record(w, now, reason));
        if (state == State.CLOSED) {
            return;
        }
        broadcastLock();
        if (watchers.isEmpty()) {
            lingerTimer = timers.schedule(this::lingerExpired, settings.linger().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Ends the console for everyone (gateway shutdown): viewers closed with {@code code} and {@code reason}. */
    public synchronized void shutdown(int code, String reason) {
        closeAll(code, reason);
    }

    @Override
    public void onOutput(byte[] output) {
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            scrollback.append(output);
            lastActivity = clock.instant();
            for (Watcher w : watchers.values()) {
                w.viewer.output(output);
                w.bytesOut += output.length;
            }
            listener.output(this, output);
        }
    }

    @Override
    public void onClosed(String reason, boolean byRemote) {
        synchronized (this) {
            line = null;
            if (state == State.CLOSED || !byRemote) {
                return;
            }
            if (state == State.OPENING) {
                return; // open() is still running; its caller hears the failure
            }
            if (watchers.isEmpty()) {
                closeAll(NORMAL, "the console line closed: " + reason);
                return;
            }
            state = State.RECONNECTING;
            reconnectAttempt = 0;
            broadcast(new ServerMessage.Backend("reconnecting", "the console line dropped (" + reason
                    + "); reconnecting"));
            scheduleReconnect(reason);
        }
    }

    private void scheduleReconnect(String lastFailure) {
        reconnectAttempt++;
        Optional<Duration> delay = settings.reconnect().delayBefore(reconnectAttempt);
        if (delay.isEmpty()) {
            closeAll(LINE_LOST, "the console line of " + target.host() + " is gone: " + lastFailure + " (gave up after "
                    + settings.reconnect().attempts() + " attempts)");
            return;
        }
        reconnectTimer = timers.schedule(this::reconnect, delay.get().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void reconnect() {
        int c;
        int r;
        synchronized (this) {
            if (state != State.RECONNECTING) {
                return;
            }
            c = cols;
            r = rows;
        }
        BackendConnection reopened;
        try {
            reopened = backend.open(target, c, r, this);
        } catch (BackendException e) {
            synchronized (this) {
                if (state != State.RECONNECTING) {
                    return;
                }
                if (!e.kind().retryable()) {
                    closeAll(e.kind() == BackendException.Kind.REFUSED ? VM_REFUSED : LINE_LOST, e.getMessage());
                } else {
                    scheduleReconnect(e.getMessage());
                }
            }
            return;
        } catch (RuntimeException e) {
            synchronized (this) {
                if (state == State.RECONNECTING) {
                    scheduleReconnect(String.valueOf(e.getMessage()));
                }
            }
            return;
        }
        synchronized (this) {
            if (state != State.RECONNECTING) {
                reopened.close();
                return;
            }
            line = reopened;
            state = State.OPEN;
            lastActivity = clock.instant();
            broadcast(new ServerMessage.Backend("connected", "the console line is back"));
        }
    }

    private void lingerExpired() {
        synchronized (this) {
            if (watchers.isEmpty() && state != State.CLOSED) {
                closeAll(NORMAL, "no viewer left");
            }
        }
    }

    private void scheduleIdleCheck() {
        long every = Math.max(1000, settings.idleTimeout().toMillis() / 10);
        idleTimer = timers.scheduleWithFixedDelay(this::idleCheck, every, every, TimeUnit.MILLISECONDS);
    }

    private void idleCheck() {
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            Duration quiet = Duration.between(lastActivity, clock.instant());
            if (quiet.compareTo(settings.idleTimeout()) >= 0) {
                closeAll(IDLE, "idle: no input and no output for " + human(settings.idleTimeout()));
            }
        }
    }

    private void closeAll(int code, String reason) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        closeReason = reason;
        Instant now = clock.instant();
        List<Watcher> leaving = new ArrayList<>(watchers.values());
        watchers.clear();
        for (Watcher w : leaving) {
            if (w == writer) {
                endHolding(w, now);
            }
            listener.viewerClosed(this, record(w, now, reason));
            w.viewer.close(code, reason);
        }
        writer = null;
        cancel(lingerTimer);
        cancel(idleTimer);
        cancel(reconnectTimer);
        BackendConnection l = line;
        line = null;
        if (l != null) {
            l.close();
        }
        listener.closed(this, reason);
    }

    /** Why the session ended; null while it runs. */
    public synchronized String closeReason() {
        return closeReason;
    }

    private void giveKeyboard(Watcher w, Instant now) {
        writer = w;
        w.holdingSince = now;
        applySize(w.cols, w.rows);
    }

    private void applySize(int c, int r) {
        if (c == cols && r == rows) {
            return;
        }
        cols = c;
        rows = r;
        if (line != null) {
            line.resize(c, r);
        }
    }

    private static void endHolding(Watcher w, Instant now) {
        if (w.holdingSince != null) {
            w.periods.add(new ViewerRecord.Period(w.holdingSince, now));
            w.holdingSince = null;
        }
    }

    private void broadcastLock() {
        for (Watcher w : watchers.values()) {
            w.viewer.control(new ServerMessage.Lock(writer == null ? null : writer.viewer.operator(),
                    writer == null ? null : writer.viewer.id(), w == writer ? "writer" : "reader", watchers.size()));
        }
    }

    private void broadcast(ServerMessage m) {
        for (Watcher w : watchers.values()) {
            w.viewer.control(m);
        }
    }

    private ViewerRecord record(Watcher w, Instant closedAt, String reason) {
        List<ViewerRecord.Period> periods = new ArrayList<>(w.periods);
        if (w.holdingSince != null) {
            periods.add(new ViewerRecord.Period(w.holdingSince, null));
        }
        return new ViewerRecord(w.viewer.id(), id, w.viewer.operator(), w.viewer.from(),
                w.viewer.mayWrite() ? "write" : "read", w.openedAt, closedAt, w.bytesIn, w.bytesOut, periods, reason);
    }

    private static void cancel(ScheduledFuture<?> f) {
        if (f != null) {
            f.cancel(false);
        }
    }

    static String human(Duration d) {
        if (d.toSeconds() % 3600 == 0 && d.toHours() > 0) {
            return d.toHours() + "h";
        }
        if (d.toSeconds() % 60 == 0 && d.toMinutes() > 0) {
            return d.toMinutes() + "m";
        }
        if (d.toMillis() % 1000 == 0) {
            return d.toSeconds() + "s";
        }
        return d.toMillis() + "ms";
    }
}
