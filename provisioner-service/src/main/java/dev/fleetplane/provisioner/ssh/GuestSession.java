package dev.fleetplane.provisioner.ssh;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import net.schmizz.sshj.SSHClient;
import org.jboss.logging.Logger;

/**
 * One logged-in SSH connection to a guest, for several commands in a row (read the current system, generate the
 * hardware config, arm the watchdog, run the rebuild). Close it when done.
 */
public final class GuestSession implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(GuestSession.class);
    /** Output a {@link #capture} keeps: a hardware config or a public key is a few KB. */
    static final int CAPTURE_LIMIT = 1 << 20;

    /** The exit status and the output (stdout and stderr merged, cut at {@link #CAPTURE_LIMIT}) of a short command. */
    public record Captured(int status, String output) {
        public boolean ok() {
            return status == 0;
        }
    }

    private final GuestShell shell;
    private final SSHClient client;
    private final GuestShell.Target target;
    private final String where;

    GuestSession(GuestShell shell, SSHClient client, GuestShell.Target target, String where) {
        this.shell = shell;
        this.client = client;
        this.target = target;
        this.where = where;
    }

    /** Who is logged in. */
    public String user() {
        return target.user();
    }

    public String ip() {
        return target.ip();
    }

    /** {@code user@ip:port}, for messages. */
    public String where() {
        return where;
    }

    /** Runs {@code command} (under {@code sh -c}, stderr merged) with its output going to {@code out}. */
    public RemoteRun exec(String command, Duration timeout, OutputStream out, OutputStream err) throws SshLoginException {
        return shell.execute(client, target, command, null, timeout, out, err, where);
    }

    /** Like {@link #capture}, with {@code input} written to the command's stdin (and closed). */
    public Captured captureWithInput(String command, byte[] input, Duration timeout) throws SshLoginException {
        Bounded out = new Bounded();
        return finish(command, shell.execute(client, target, command, input, timeout, out, out, where), out, timeout);
    }

    /**
     * Runs a short command and returns its output; a command that does not end with an exit status (connection lost,
     * time limit) is a {@link SshLoginException} naming it.
     */
    public Captured capture(String command, Duration timeout) throws SshLoginException {
        Bounded out = new Bounded();
        return finish(command, exec(command, timeout, out, out), out, timeout);
    }

    private Captured finish(String command, RemoteRun run, Bounded out, Duration timeout) throws SshLoginException {
        if (run instanceof RemoteRun.Exited x) {
            return new Captured(x.status(), out.text());
        }
        String how = run instanceof RemoteRun.TimedOut ? "ran longer than " + timeout.toSeconds() + " s"
                : run instanceof RemoteRun.ConnectionLost lost ? "lost its connection: " + lost.reason()
                : "was killed by signal " + ((RemoteRun.Signalled) run).signal();
        throw new SshLoginException(SshLoginException.Kind.UNREACHABLE, "`" + command + "` on " + where + " " + how);
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (IOException e) {
            LOG.debugf("host %s: closing the SSH connection to %s: %s", target.host(), where, e.getMessage());
        }
    }

    /** Keeps the first {@link #CAPTURE_LIMIT} bytes; shared by both streams (writes are synchronized). */
    private static final class Bounded extends OutputStream {
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private boolean cut;

        @Override
        public synchronized void write(int b) {
            if (buffer.size() < CAPTURE_LIMIT) {
                buffer.write(b);
            } else {
                cut = true;
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            int room = Math.max(0, CAPTURE_LIMIT - buffer.size());
            buffer.write(b, off, Math.min(room, len));
            cut |= len > room;
        }

        @Override
        public void close() {
            // Both pumps close their sink; the buffer stays readable.
        }

        synchronized String text() {
            return buffer.toString(StandardCharsets.UTF_8) + (cut ? "\n…[cut at " + CAPTURE_LIMIT + " bytes]" : "");
        }
    }
}
