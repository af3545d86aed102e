package dev.fleetplane.console.backend;

import dev.fleetplane.console.backend.BackendException.Kind;
import dev.fleetplane.console.protocol.ConsoleFrames;
import dev.fleetplane.console.protocol.ConsoleProtocolException;
import dev.fleetplane.console.protocol.ServerGreeting;
import dev.fleetplane.proxmox.client.ProxmoxClient;
import dev.fleetplane.proxmox.client.PveConsoleSocket;
import dev.fleetplane.proxmox.client.PveException;
import dev.fleetplane.proxmox.client.TermProxy;
import dev.fleetplane.proxmox.client.Upid;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One termproxy session through {@code vncwebsocket}: sends the auth line, waits for {@code OK} (the
 * {@link ServerGreeting}), then frames input and resizes with {@link ConsoleFrames} (each frame one WebSocket message,
 * in order: the socket queues them) and hands output to the listener in order. The listener hears nothing until the
 * greeting has arrived, and {@code onClosed} exactly once after that.
 */
final class PveApiConnection implements BackendConnection, PveConsoleSocket.Listener {

    private final ConsoleTarget target;
    private final BackendListener listener;
    private final ServerGreeting greeting = new ServerGreeting();
    private final CompletableFuture<Void> greeted = new CompletableFuture<>();
    private final ConsoleFrames frames = new ConsoleFrames();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean open; // the greeting came and open() returned this connection
    private volatile PveConsoleSocket socket;
    private volatile ScheduledFuture<?> keepalive;
    private volatile Upid task;

    private PveApiConnection(ConsoleTarget target, BackendListener listener) {
        this.target = target;
        this.listener = listener;
    }

    static PveApiConnection open(ProxmoxClient client, ConsoleTarget target, TermProxy proxy, int cols, int rows,
                                 BackendListener listener, ScheduledExecutorService timer, Duration every,
                                 Duration greetingDeadline) throws BackendException {
        PveApiConnection c = new PveApiConnection(target, listener);
        c.task = proxy.upid();
        try {
            c.socket = client.vncWebSocket(target.node(), target.vmid(), proxy, c);
        } catch (PveException e) {
            throw PveApiBackend.failure("the console socket of " + target + " was refused", e);
        }
        c.socket.send(ConsoleFrames.authLine(proxy.user(), proxy.ticket()));
        try {
            c.greeted.get(greetingDeadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            c.socket.close();
            throw e.getCause() instanceof BackendException b ? b
                    : new BackendException(Kind.PROTOCOL, "console of " + target + ": " + e.getCause().getMessage(),
                    e.getCause());
        } catch (TimeoutException e) {
            c.socket.close();
            throw new BackendException(Kind.UNREACHABLE, "console of " + target + ": termproxy did not answer the"
                    + " auth line with 'OK' within " + greetingDeadline.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            c.socket.close();
            throw new BackendException(Kind.UNREACHABLE, "interrupted while opening the console of " + target);
        }
        c.socket.send(ConsoleFrames.resize(cols, rows));
        long ms = every.toMillis();
        c.keepalive = timer.scheduleAtFixedRate(() -> c.socket.send(ConsoleFrames.keepalive()), ms, ms,
                TimeUnit.MILLISECONDS);
        c.open = true;
        if (!c.socket.isOpen()) {
            c.closed("the console socket closed right after the greeting", true); // it ended before open was set
        }
        return c;
    }

    /** The {@code vncproxy} task serving this session (its log records the resizes termproxy applied). */
    Upid task() {
        return task;
    }

    @Override
    public void send(byte[] input) {
        if (closed.get()) {
            return;
        }
        for (byte[] frame : frames.input(input)) {
            socket.send(frame);
        }
    }

    @Override
    public void resize(int cols, int rows) {
        if (!closed.get()) {
            socket.send(ConsoleFrames.resize(cols, rows));
        }
    }

    @Override
    public void close() {
        if (!closed.get()) {
            socket.close(); // the socket reports back through onClosed(…, false)
            closed("closed by the gateway", false);
        }
    }

    // --- the socket's side: one call at a time, in order

    @Override
    public void onMessage(byte[] data) {
        if (greeting.complete()) {
            listener.onOutput(data);
            return;
        }
        Optional<byte[]> rest;
        try {
            rest = greeting.feed(data);
        } catch (ConsoleProtocolException e) {
            greeted.completeExceptionally(new BackendException(Kind.PROTOCOL, "console of " + target + ": "
                    + e.getMessage()));
            return;
        }
        if (rest.isPresent()) {
            greeted.complete(null);
            if (rest.get().length > 0) {
                listener.onOutput(rest.get());
            }
        }
    }

    @Override
    public void onClosed(String reason, boolean byServer) {
        if (!greeting.complete()) {
            greeted.completeExceptionally(new BackendException(Kind.UNAUTHORIZED, "console of " + target + ": "
                    + greeting.closedEarly().getMessage() + " (" + reason + ")"));
            return;
        }
        if (open) {
            closed(reason, byServer);
        }
    }

    private void closed(String reason, boolean byRemote) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        ScheduledFuture<?> k = keepalive;
        if (k != null) {
            k.cancel(false);
        }
        listener.onClosed(byRemote ? "the console of " + target + " ended: " + reason : reason, byRemote);
    }
}
