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
 * Runs one command on a guest over SSH (SSHJ): key login with the configured identity, never a prompt,
 * the guest's host key pinned by host name, connect timeout, keepalive, and a time limit on the command.
 * Output goes to an {@link OutputTail}; nothing about the key is ever logged or returned.
 */
@ApplicationScoped
public class GuestShell {

    private static final Logger LOG = Logger.getLogger(GuestShell.class);
    private static final int MISSED_KEEPALIVES = 3;

    /** Where and as whom to log in; {@code host} is the fleet host name the host key is pinned under. */
    public record Target(String host, String ip, String user) {
    }

    @Inject
    ProvisionerConfig config;

    @Inject
    HostKeyPins pins;

    public RemoteRun run(Target target, String command, Duration timeout, OutputTail tail) throws SshLoginException {
        ProvisionerConfig.Ssh ssh = config.ssh();
        Path identity = identityFile(ssh);
        int port = ssh.port();
        String where = target.user() + "@" + target.ip() + ":" + port;
        DefaultConfig sshConfig = new DefaultConfig();
        sshConfig.setKeepAliveProvider(KeepAliveProvider.KEEP_ALIVE);
        try (SSHClient client = new SSHClient(sshConfig)) {
            PinningVerifier verifier = new PinningVerifier(pins, target.host(), target.ip() + ":" + port);
            client.addHostKeyVerifier(verifier);
            int connectMillis = (int) ssh.connectTimeout().toMillis();
            client.setConnectTimeout(connectMillis);
            // The socket read timeout only has to outlast the keepalive answers that arrive while a quiet command runs.
            client.setTimeout(connectMillis + (int) ssh.keepalive().toMillis() * (MISSED_KEEPALIVES + 1));
            connect(client, target, port, verifier, where);
            login(client, target, identity, where);
            KeepAlive keepAlive = client.getConnection().getKeepAlive();
            keepAlive.setKeepAliveInterval((int) Math.max(1, ssh.keepalive().toSeconds()));
            if (keepAlive instanceof KeepAliveRunner runner) {
                runner.setMaxAliveCount(MISSED_KEEPALIVES);
            }
            return execute(client, target, command, timeout, tail, where);
        } catch (IOException e) {
            // Only close() can get here: the command's outcome is already decided.
            LOG.debugf("host %s: closing the SSH connection to %s: %s", target.host(), where, e.getMessage());
            throw new SshLoginException("SSH connection to " + where + " failed: " + describe(e));
        }
    }

    private static Path identityFile(ProvisionerConfig.Ssh ssh) throws SshLoginException {
        Path identity = ssh.identityFile().orElseThrow(() -> new SshLoginException(
                "no SSH identity configured: set fleetplane.provisioner.ssh.identity-file"
                        + " (env FLEETPLANE_PROVISIONER_SSH_IDENTITY_FILE) to an unencrypted OpenSSH private key"));
        if (!Files.isRegularFile(identity) || !Files.isReadable(identity)) {
            throw new SshLoginException("SSH identity file " + identity
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
                throw new SshLoginException(verifier.refusal().get().getMessage());
            }
            throw new SshLoginException("cannot connect to " + where + ": " + describe(e));
        }
        if (verifier.refusal().isPresent()) {
            throw new SshLoginException(verifier.refusal().get().getMessage());
        }
    }

    private static void login(SSHClient client, Target target, Path identity, String where) throws SshLoginException {
        KeyProvider keys;
        try {
            keys = client.loadKeys(identity.toString());
        } catch (IOException e) {
            throw new SshLoginException("SSH identity file " + identity + " cannot be read as a private key ("
                    + e.getClass().getSimpleName() + ")");
        }
        try {
            client.authPublickey(target.user(), keys);
        } catch (UserAuthException e) {
            throw new SshLoginException("public-key login as " + where + " was refused with identity " + identity
                    + " (is its public key in the guest's authorized_keys, and is the key unencrypted?)");
        } catch (IOException e) {
            throw new SshLoginException("public-key login as " + where + " failed: " + describe(e));
        }
    }

    private RemoteRun execute(SSHClient client, Target target, String command, Duration timeout, OutputTail tail,
                              String where) throws SshLoginException {
        long start = System.nanoTime();
        Session session;
        Session.Command cmd;
        try {
            session = client.startSession();
            cmd = session.exec(mergedOutput(command));
        } catch (IOException e) {
            throw new SshLoginException("cannot start a command on " + where + ": " + describe(e));
        }
        Thread out = pump(cmd.getInputStream(), tail.sink(), target.host() + "-stdout");
        Thread err = pump(cmd.getErrorStream(), tail.sink(), target.host() + "-stderr");
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
     * (nix logs to stderr, its last words are the ones that matter). The quoting holds in any login shell
     * a guest may have (bash, zsh, fish): single quotes, each inner one written as {@code '\''}.
     */
    static String mergedOutput(String command) {
        return "sh -c '" + command.replace("'", "'\\''") + "' 2>&1";
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

    private static String describe(Exception e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
    }
}
