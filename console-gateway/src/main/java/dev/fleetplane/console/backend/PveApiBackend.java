package dev.fleetplane.console.backend;

import dev.fleetplane.console.backend.BackendException.Kind;
import dev.fleetplane.proxmox.client.ProxmoxClient;
import dev.fleetplane.proxmox.client.PveException;
import dev.fleetplane.proxmox.client.TermProxy;
import dev.fleetplane.proxmox.client.VmConfig;
import dev.fleetplane.proxmox.client.VmStatus;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The console through the Proxmox API (reference §5): the VM located in {@code /cluster/resources}, its status and
 * {@code serial0} checked, {@code POST …/termproxy serial=serial0}, then at once (the VNC ticket lives 40 s, termproxy
 * waits 10 s) {@code vncwebsocket}, the auth line, the {@code OK}, the terminal size, and a keep-alive {@code 2} every
 * {@code fleetplane.console.pve.keepalive}. The client logs in as the console user (ticket) or with an API token.
 *
 * <p>One scheduler thread, owned here, sends every connection's keep-alive; a closed connection cancels its timer,
 * {@link #close()} stops the thread.
 */
public final class PveApiBackend implements ConsoleBackend, AutoCloseable {

    public static final String NAME = "pve-api";
    /** termproxy waits 10 s for the auth line; a little more for pveproxy and the network. */
    static final Duration GREETING_DEADLINE = Duration.ofSeconds(15);

    private final ProxmoxClient client;
    private final Duration keepalive;
    private final ScheduledExecutorService timer;

    public PveApiBackend(ProxmoxClient client, Duration keepalive) {
        if (keepalive.isZero() || keepalive.isNegative()) {
            throw new IllegalArgumentException("fleetplane.console.pve.keepalive must be positive, got " + keepalive);
        }
        this.client = client;
        this.keepalive = keepalive;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "console-pve-keepalive");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<ConsoleTarget> locate(String host) throws BackendException {
        try {
            return VmChoice.choose(host, client.clusterVms());
        } catch (PveException e) {
            throw failure("cannot look up host " + host, e);
        }
    }

    @Override
    public BackendConnection open(ConsoleTarget target, int cols, int rows, BackendListener listener)
            throws BackendException {
        checkSize(cols, rows);
        VmStatus status;
        VmConfig config;
        try {
            status = client.status(target.node(), target.vmid());
            config = client.config(target.node(), target.vmid());
        } catch (PveException e) {
            throw failure("cannot read " + target, e);
        }
        Optional<String> refusal = ConsoleReadiness.refusal(target, status.status(),
                config.get(ConsoleReadiness.SERIAL).orElse(null));
        if (refusal.isPresent()) {
            throw new BackendException(Kind.REFUSED, refusal.get());
        }
        TermProxy proxy;
        try {
            proxy = client.termproxy(target.node(), target.vmid(), ConsoleReadiness.SERIAL);
        } catch (PveException e) {
            BackendException b = failure("termproxy for " + target + " was refused", e);
            throw b.kind() == Kind.NOT_FOUND || b.kind() == Kind.PROTOCOL
                    ? new BackendException(Kind.REFUSED, b.getMessage(), e) : b;
        }
        return PveApiConnection.open(client, target, proxy, cols, rows, listener, timer, keepalive,
                GREETING_DEADLINE);
    }

    static void checkSize(int cols, int rows) {
        if (cols < 1 || cols > 0xFFFF || rows < 1 || rows > 0xFFFF) {
            throw new IllegalArgumentException("terminal size " + cols + "x" + rows + " is out of range 1..65535");
        }
    }

    /** A Proxmox failure as the gateway acts on it; the message is the client's (it never holds a secret). */
    static BackendException failure(String what, PveException e) {
        Kind kind = switch (e.failure()) {
            case UNAUTHORIZED, FORBIDDEN, UNTRUSTED_CERTIFICATE -> Kind.UNAUTHORIZED;
            case NOT_FOUND -> Kind.NOT_FOUND;
            case TRANSIENT, TIMEOUT, LOCKED, AGENT_NOT_RUNNING -> Kind.UNREACHABLE;
            case BAD_RESPONSE -> Kind.PROTOCOL;
            default -> Kind.REFUSED;
        };
        return new BackendException(kind, what + ": " + e.getMessage(), e);
    }

    /** Stops the keep-alive thread; connections still open stop sending keep-alives. */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
