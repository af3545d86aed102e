package dev.fleetplane.console.backend;

import dev.fleetplane.console.backend.BackendException.Kind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.channel.direct.Session;
import net.schmizz.sshj.connection.channel.direct.SessionChannel;

/**
 * One {@code qm terminal} in an SSH session with a pty. A reader thread reads the pty: until qm's first line it
 * decides whether the terminal started ({@link QmTerminalStart}); from then on it hands every chunk to the listener.
 * A writer thread writes input and window changes in order, so {@link #send} never blocks on the network. Both
 * threads end with the connection, as does SSHJ's own reader (the client is disconnected).
 */
final class NodeSshConnection implements BackendConnection {

    private static final String TERM = "xterm-256color";

    private final SSHClient ssh;
    private final Session session;
    private final Session.Command command;
    private final ConsoleTarget target;
    private final String where;
    private final BackendListener listener;
    private final ExecutorService writer;
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private final CountDownLatch returned = new CountDownLatch(1); // open() handed this connection out
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread reader;

    private NodeSshConnection(SSHClient ssh, Session session, Session.Command command, ConsoleTarget target,
                              String where, BackendListener listener) {
        this.ssh = ssh;
        this.session = session;
        this.command = command;
        this.target = target;
        this.where = where;
        this.listener = listener;
        String name = "console-ssh-" + target.vmid();
        this.writer = Executors.newSingleThreadExecutor(r -> daemon(r, name + "-writer"));
        this.reader = daemon(this::read, name + "-reader");
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    static NodeSshConnection open(SSHClient ssh, ConsoleTarget target, String address, int cols, int rows,
                                  BackendListener listener, Duration startDeadline) throws BackendException {
        String where = "node " + target.node() + " (" + address + ")";
        NodeSshConnection c;
        try {
            Session session = ssh.startSession();
            session.allocatePTY(TERM, cols, rows, 0, 0, Map.of());
            Session.Command command = session.exec(NodeSshBackend.qmTerminal(target.vmid()));
            c = new NodeSshConnection(ssh, session, command, target, where, listener);
        } catch (IOException e) {
            NodeSshBackend.closeQuietly(ssh);
            throw new BackendException(Kind.UNREACHABLE, "cannot start '" + NodeSshBackend.qmTerminal(target.vmid())
                    + "' on " + where + ": " + e.getMessage(), e);
        }
        c.reader.start();
        try {
            c.started.get(startDeadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            c.abandon();
            throw e.getCause() instanceof BackendException b ? b
                    : new BackendException(Kind.PROTOCOL, e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            c.abandon();
            throw new BackendException(Kind.UNREACHABLE, "'" + NodeSshBackend.qmTerminal(target.vmid()) + "' on "
                    + where + " printed nothing within " + startDeadline.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            c.abandon();
            throw new BackendException(Kind.UNREACHABLE, "interrupted while opening the console of " + target);
        }
        c.returned.countDown();
        return c;
    }

    @Override
    public void send(byte[] input) {
        byte[] copy = input.clone();
        submit(() -> {
            OutputStream out = command.getOutputStream();
            out.write(copy);
            out.flush();
        });
    }

    @Override
    public void resize(int cols, int rows) {
        PveApiBackend.checkSize(cols, rows);
        submit(() -> ((SessionChannel) session).changeWindowDimensions(cols, rows, 0, 0));
    }

    private interface Io {
        void run() throws IOException;
    }

    private void submit(Io io) {
        if (closed.get()) {
            return;
        }
        try {
            writer.execute(() -> {
                try {
                    io.run();
                } catch (IOException e) {
                    // the session broke: the reader sees the end of the stream and reports it
                    NodeSshBackend.closeQuietly(ssh);
                }
            });
        } catch (RejectedExecutionException e) {
            // closed meanwhile
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            shutDown();
            listener.onClosed("closed by the gateway", false);
        }
    }

    /** An open that failed: no listener call from now on, everything ended. */
    private void abandon() {
        closed.set(true);
        shutDown();
    }

    /** Ends the session, the SSH connection and both threads (the reader is waited for unless it calls this). */
    private void shutDown() {
        writer.shutdownNow();
        try {
            session.close();
        } catch (IOException ignored) {
            // the connection goes next anyway
        }
        NodeSshBackend.closeQuietly(ssh);
        if (Thread.currentThread() != reader) {
            try {
                reader.join(5_000);
                writer.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void read() {
        QmTerminalStart start = new QmTerminalStart();
        byte[] buffer = new byte[8192];
        InputStream in = command.getInputStream();
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                if (started.isDone()) {
                    listener.onOutput(Arrays.copyOf(buffer, n));
                } else if (start.feed(buffer, n)) {
                    started.complete(null);
                    listener.onOutput(start.head());
                } else if (start.tooLong()) {
                    started.completeExceptionally(new BackendException(Kind.PROTOCOL, "'"
                            + NodeSshBackend.qmTerminal(target.vmid()) + "' on " + where + " printed "
                            + QmTerminalStart.MAX_HEAD + " bytes without qm's 'starting serial terminal' line"));
                    return;
                }
            }
        } catch (IOException e) {
            if (!closed.get() && !started.isDone()) {
                started.completeExceptionally(new BackendException(Kind.UNREACHABLE, "the SSH session to " + where
                        + " broke while qm terminal started: " + e.getMessage(), e));
                return;
            }
        }
        if (!started.isDone()) {
            started.completeExceptionally(refusal(start.text()));
            return;
        }
        if (closed.get()) {
            return;
        }
        try {
            returned.await(); // the gateway hears of the end only once it holds the connection
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (closed.compareAndSet(false, true)) {
            Integer status = exitStatus();
            shutDown();
            listener.onClosed("qm terminal of " + target + " on " + where + " ended"
                    + (status == null ? " (the SSH session closed)" : " (exit status " + status + ")"), true);
        }
    }

    private BackendException refusal(String printed) {
        Integer status = exitStatus();
        return QmTerminalStart.refusal(target, where, printed, status);
    }

    private Integer exitStatus() {
        try {
            command.join(2, TimeUnit.SECONDS);
        } catch (IOException e) {
            return null;
        }
        return command.getExitStatus();
    }

    /** qm's first line, collected; also what it printed when it refused. */
    static final class QmTerminalStart {

        static final String STARTING = "starting serial terminal on interface ";
        static final int MAX_HEAD = 4096;

        private static final byte[] START = STARTING.getBytes(StandardCharsets.US_ASCII);

        private final ByteArrayOutputStream head = new ByteArrayOutputStream();
        private int startsAt = -1;

        /**
         * True once a whole line starting with qm's start line arrived; the caller then hands {@link #head()} on as
         * output. Lines before it (a node's shell rc files may print) are not the VM's and are dropped.
         */
        boolean feed(byte[] chunk, int n) {
            head.write(chunk, 0, n);
            byte[] b = head.toByteArray();
            for (int line = 0; line < b.length; ) {
                int end = indexOf(b, (byte) '\n', line);
                if (end < 0) {
                    return false;
                }
                if (startsWith(b, line, START)) {
                    startsAt = line;
                    return true;
                }
                line = end + 1;
            }
            return false;
        }

        private static int indexOf(byte[] b, byte wanted, int from) {
            for (int i = from; i < b.length; i++) {
                if (b[i] == wanted) {
                    return i;
                }
            }
            return -1;
        }

        private static boolean startsWith(byte[] b, int at, byte[] prefix) {
            if (b.length - at < prefix.length) {
                return false;
            }
            for (int i = 0; i < prefix.length; i++) {
                if (b[at + i] != prefix[i]) {
                    return false;
                }
            }
            return true;
        }

        boolean tooLong() {
            return head.size() > MAX_HEAD;
        }

        /** From qm's start line on (the line itself included, as termproxy's stream has it). */
        byte[] head() {
            byte[] b = head.toByteArray();
            return Arrays.copyOfRange(b, Math.max(startsAt, 0), b.length);
        }

        String text() {
            return head.toString(StandardCharsets.UTF_8);
        }

        /**
         * What qm printed instead of starting: its refusal when it exited 255 (its {@code die}), else a protocol
         * failure naming what came.
         */
        static BackendException refusal(ConsoleTarget target, String where, String printed, Integer exitStatus) {
            String text = printed.replace("\r", "").strip();
            String command = "'" + NodeSshBackend.qmTerminal(target.vmid()) + "' on " + where;
            if (exitStatus != null && exitStatus == 255 && !text.isEmpty()) {
                return new BackendException(Kind.REFUSED, "the console of " + target + " was refused: " + text
                        + " (" + command + ")");
            }
            return new BackendException(Kind.PROTOCOL, command + " ended before it started the terminal (exit status "
                    + exitStatus + (text.isEmpty() ? ", nothing printed" : ", printed: " + text) + ")");
        }
    }
}
