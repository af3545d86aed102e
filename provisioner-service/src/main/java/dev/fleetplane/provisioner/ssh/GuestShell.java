package dev.fleetplane.provisioner.ssh;

import dev.fleetplane.provisioner.ProvisionerConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import net.schmizz.keepalive.KeepAlive;
import net.schmizz.keepalive.KeepAliveProvider;
import net.schmizz.keepalive.KeepAliveRunner;
import net.schmizz.sshj.DefaultConfig;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.channel.direct.Session;
import net.schmizz.sshj.connection.channel.direct.Signal;
import net.schmizz.sshj.userauth.UserAuthException;
import net.schmizz.sshj.userauth.keyprovider.KeyProvider;
import org.jboss.logging.Logger;

/**
 * Opens SSH connections to guests (SSHJ) as {@link GuestSession}s: key login with the configured identity, never a
 * prompt, the guest's host key pinned by host name, connect timeout, keepalive, and a time limit on each command.
 * Nothing about the key is ever logged or returned.
 */
@ApplicationScoped
public class GuestShell {

    private static final Logger LOG = Logger.getLogger(GuestShell.class);
    private static final int MISSED_KEEPALIVES = 3;
    /** Between two attempts to reach a guest whose sshd is not up yet. */
    private static final Duration WAIT_PAUSE = Duration.ofSeconds(1);

    /** Where and as whom to log in; {@code host} is the fleet host name the host key is pinned under. */
    public record Target(String host, String ip, String user) {
    }

    @Inject
    ProvisionerConfig config;

    @Inject
    HostKeyPins pins;

    /**
     * Logs in as the first of {@code users} the guest accepts (a refused login tries the next; an unreachable guest
     * or a changed host key ends the attempt at once).
     */
    public GuestSession openAs(String host, String ip, java.util.List<String> users) throws SshLoginException {
        SshLoginException last = null;
        for (String user : users.stream().distinct().toList()) {
            try {
                return open(new Target(host, ip, user));
            } catch (SshLoginException e) {
                if (e.kind() != SshLoginException.Kind.LOGIN_REFUSED) {
                    throw e;
                }
                last = e;
            }
        }
        if (last == null) {
            throw new SshLoginException("no user to log in to " + host + " as");
        }
        throw new SshLoginException(SshLoginException.Kind.LOGIN_REFUSED, last.getMessage()
                + (users.size() > 1 ? " (tried " + String.join(", ", users) + ")" : ""));
    }

    /**
     * Logs in like {@link #openAs}, waiting up to {@code bound} for a guest whose sshd does not accept connections yet
     * (the agent reports an address before sshd is up): an unreachable guest, a refused or timed-out connection, a
     * banner that does not come are tried again after a pause; a changed host key, a refused login or an unusable
     * identity end the wait at once. The failure after {@code bound} names the last attempt's reason.
     *
     * @param retrying told the reason of each failed attempt that will be tried again
     */
    public GuestSession awaitLogin(String host, String ip, java.util.List<String> users, Duration bound,
                                   java.util.function.Consumer<String> retrying) throws SshLoginException {
        long deadline = System.nanoTime() + bound.toNanos();
        int attempts = 0;
        while (true) {
            attempts++;
            try {
                return openAs(host, ip, users);
            } catch (SshLoginException e) {
                if (e.kind() != SshLoginException.Kind.UNREACHABLE) {
                    throw e;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new SshLoginException(SshLoginException.Kind.UNREACHABLE, "the sshd of " + host + " at " + ip
                            + ":" + config.ssh().port() + " did not accept a login within " + bound.toSeconds()
                            + " s (fleetplane.provisioner.ssh.wait-timeout; " + attempts + " attempt"
                            + (attempts == 1 ? "" : "s") + "); last attempt: " + e.getMessage());
                }
                retrying.accept(e.getMessage());
                try {
                    Thread.sleep(Math.max(1, Math.min(WAIT_PAUSE.toMillis(), TimeUnit.NANOSECONDS.toMillis(left))));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new SshLoginException(SshLoginException.Kind.UNREACHABLE, "interrupted while waiting for"
                            + " the sshd of " + host + " at " + ip + "; last attempt: " + e.getMessage());
                }
            }
        }
    }

    /** An SSH connection to {@code target}, logged in; close it when done. */
    public GuestSession open(Target target) throws SshLoginException {
        ProvisionerConfig.Ssh ssh = config.ssh();
        Path identity = identityFile(ssh);
        int port = ssh.port();
        String where = target.user() + "@" + target.ip() + ":" + port;
        DefaultConfig sshConfig = new DefaultConfig();
        sshConfig.setKeepAliveProvider(KeepAliveProvider.KEEP_ALIVE);
        SSHClient client = new SSHClient(sshConfig);
        try {
            PinningVerifier verifier = new PinningVerifier(pins, target.host(), target.ip() + ":" + port);
            client.addHostKeyVerifier(verifier);
            int connectMillis = (int) ssh.connectTimeout().toMillis();
            client.setConnectTimeout(connectMillis);
            // The socket read timeout only has to outlast the keepalive answers that arrive while a quiet command runs.
            client.setTimeout(connectMillis + (int) ssh.keepalive().toMillis() * (MISSED_KEEPALIVES + 1));
            // SSHJ starts its keepalive thread while connecting, and only when an interval is set by then.
            KeepAlive keepAlive = client.getConnection().getKeepAlive();
            keepAlive.setKeepAliveInterval((int) Math.max(1, ssh.keepalive().toSeconds()));
            if (keepAlive instanceof KeepAliveRunner runner) {
                runner.setMaxAliveCount(MISSED_KEEPALIVES);
            }
            connect(client, target, port, verifier, where);
            login(client, target, identity, where);
            GuestSession session = new GuestSession(this, client, target, where);
            client = null;
            return session;
        } finally {
            if (client != null) {
                try {
                    client.close();
                } catch (IOException e) {
                    LOG.debugf("host %s: closing a failed SSH connection: %s", target.host(), e.getMessage());
                }
            }
        }
    }

    private static Path identityFile(ProvisionerConfig.Ssh ssh) throws SshLoginException {
        Path identity = ssh.identityFile().orElseThrow(() -> new SshLoginException(SshLoginException.Kind.IDENTITY,
                "no SSH identity configured: set fleetplane.provisioner.ssh.identity-file"
                        + " (env FLEETPLANE_PROVISIONER_SSH_IDENTITY_FILE) to an unencrypted OpenSSH private key"));
        if (!Files.isRegularFile(identity) || !Files.isReadable(identity)) {
            throw new SshLoginException(SshLoginException.Kind.IDENTITY, "SSH identity file " + identity
                    + " (fleetplane.provisioner.ssh.identity-file) does not exist or is not readable");
        }
        return identity;
    }

    private static void connect(SSHClient client, Target target, int port, PinningVerifier verifier, String where)
            throws SshLoginException {
        try {
            client.connect(target.ip(), port);
        } catch (IOException e) {
            if (verifier.refusal().isPresent()) {
                throw new SshLoginException(SshLoginException.Kind.HOST_KEY_CHANGED,
                        verifier.refusal().get().getMessage());
            }
            throw new SshLoginException(SshLoginException.Kind.UNREACHABLE, "cannot connect to " + where + ": "
                    + describe(e));
        }
        if (verifier.refusal().isPresent()) {
            throw new SshLoginException(SshLoginException.Kind.HOST_KEY_CHANGED, verifier.refusal().get().getMessage());
        }
    }

    private static void login(SSHClient client, Target target, Path identity, String where) throws SshLoginException {
        KeyProvider keys;
        try {
            keys = client.loadKeys(identity.toString());
        } catch (IOException e) {
            throw new SshLoginException(SshLoginException.Kind.IDENTITY, "SSH identity file " + identity
                    + " cannot be read as a private key (" + e.getClass().getSimpleName() + ")");
        }
        try {
            client.authPublickey(target.user(), keys);
        } catch (UserAuthException e) {
            throw new SshLoginException(SshLoginException.Kind.LOGIN_REFUSED, "public-key login as " + where
                    + " was refused with identity " + identity
                    + " (is its public key in the guest's authorized_keys, and is the key unencrypted?)");
        } catch (IOException e) {
            throw new SshLoginException(SshLoginException.Kind.UNREACHABLE, "public-key login as " + where
                    + " failed: " + describe(e));
        }
    }

    RemoteRun execute(SSHClient client, Target target, String command, byte[] input, Duration timeout,
                      OutputStream out1, OutputStream out2, String where) throws SshLoginException {
        long start = System.nanoTime();
        Session session;
        Session.Command cmd;
        try {
            session = client.startSession();
            cmd = session.exec(mergedOutput(command));
        } catch (IOException e) {
            throw new SshLoginException("cannot start a command on " + where + ": " + describe(e));
        }
        if (input != null) {
            // Secrets (an auth key) go through stdin: never in the command line, the guest's process list or a log.
            try (OutputStream stdin = cmd.getOutputStream()) {
                stdin.write(input);
            } catch (IOException e) {
                throw new SshLoginException(SshLoginException.Kind.UNREACHABLE, "cannot write the input of a command on "
                        + where + ": " + describe(e));
            }
        }
        Thread out = pump(cmd.getInputStream(), out1, target.host() + "-stdout");
        Thread err = pump(cmd.getErrorStream(), out2, target.host() + "-stderr");
        try {
            try {
                cmd.join(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (IOException e) {
                Duration elapsed = since(start);
                if (elapsed.compareTo(timeout) >= 0) {
                    stop(cmd, target);
                    return new RemoteRun.TimedOut(elapsed);
                }
                return new RemoteRun.ConnectionLost(describe(e), elapsed);
            }
            awaitPumps(out, err);
            Integer status = cmd.getExitStatus();
            Duration elapsed = since(start);
            if (status != null) {
                return new RemoteRun.Exited(status, elapsed);
            }
            if (cmd.getExitSignal() != null) {
                return new RemoteRun.Signalled(cmd.getExitSignal().name(), elapsed);
            }
            return new RemoteRun.ConnectionLost("the channel closed without an exit status", elapsed);
        } finally {
            try {
                session.close();
            } catch (IOException e) {
                LOG.debugf("host %s: closing the session: %s", target.host(), e.getMessage());
            }
            awaitPumps(out, err);
        }
    }

    /**
     * The command under {@code sh -c}, stderr into stdout: one stream keeps the guest's true order of lines
     * (nix logs to stderr, its last words are the ones that matter). {@link ShellCommand} quotes it.
     */
    static String mergedOutput(String command) {
        return ShellCommand.underSh(command) + " 2>&1";
    }

    private static void stop(Session.Command cmd, Target target) {
        try {
            cmd.signal(Signal.KILL);
        } catch (IOException e) {
            LOG.debugf("host %s: cannot signal the timed-out command: %s", target.host(), e.getMessage());
        }
    }

    private static Thread pump(InputStream in, OutputStream sink, String name) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            try (sink) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    sink.write(buf, 0, n);
                }
            } catch (IOException e) {
                // The channel closed under us (timeout or lost connection); the caller reports why.
            }
        }, "ssh-output-" + name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void awaitPumps(Thread... pumps) {
        for (Thread t : pumps) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    static String describe(Exception e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
    }
}
