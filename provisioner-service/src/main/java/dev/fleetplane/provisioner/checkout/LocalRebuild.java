package dev.fleetplane.provisioner.checkout;

import dev.fleetplane.provisioner.ProvisionerConfig;
import dev.fleetplane.provisioner.ssh.HostKey;
import dev.fleetplane.provisioner.ssh.RemoteRun;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Runs the rebuild from the checkout as a process on the provisioner's machine, with {@code NIX_SSHOPTS} pointing at
 * an ssh_config and known_hosts written for this run from the host's pinned key and the fleet identity (see
 * {@link CheckoutSsh}; the key file is only named, never read or copied), its output (stdout and stderr merged, in
 * order) streamed to {@code out}, and the rebuild's time limit enforced on the process and its children.
 */
@ApplicationScoped
public class LocalRebuild {

    private static final Logger LOG = Logger.getLogger(LocalRebuild.class);

    @Inject
    ProvisionerConfig config;

    /**
     * Runs {@code argv} in {@code checkout}; a process that exits is {@link RemoteRun.Exited} whatever its status (the
     * caller reads a dropped connection from the output), one past {@code timeout} is killed: {@link RemoteRun.TimedOut}.
     *
     * @throws CheckoutException the process could not be started, or the SSH files not written
     */
    public RemoteRun run(String host, HostKey pinned, Path checkout, List<String> argv, Duration timeout,
                         OutputStream out) throws CheckoutException {
        ProvisionerConfig.Ssh ssh = config.ssh();
        Path identity = ssh.identityFile().orElseThrow(() -> new CheckoutException("no SSH identity configured: set"
                + " fleetplane.provisioner.ssh.identity-file (env FLEETPLANE_PROVISIONER_SSH_IDENTITY_FILE)"));
        Path dir = null;
        try {
            dir = Files.createTempDirectory("fleetplane-ssh-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path knownHosts = dir.resolve("known_hosts");
            Path sshConfig = dir.resolve("ssh_config");
            Files.writeString(knownHosts, CheckoutSsh.knownHosts(host, pinned), StandardCharsets.UTF_8);
            Files.writeString(sshConfig, CheckoutSsh.config(host, knownHosts, identity.toAbsolutePath(), ssh.port(),
                    ssh.connectTimeout(), ssh.keepalive()), StandardCharsets.UTF_8);
            ProcessBuilder pb = new ProcessBuilder(argv).directory(checkout.toFile()).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().put("NIX_SSHOPTS", CheckoutSsh.nixSshOpts(sshConfig));
            Process process;
            try {
                process = pb.start();
            } catch (IOException e) {
                throw new CheckoutException("cannot run " + argv.get(0) + " (fleetplane.provisioner.checkout"
                        + ".nixos-rebuild): " + e.getMessage());
            }
            return await(process, timeout, out, host);
        } catch (IOException | IllegalArgumentException e) {
            throw new CheckoutException("cannot prepare the SSH settings of the rebuild of " + host + ": "
                    + e.getMessage());
        } finally {
            if (dir != null) {
                deleteQuietly(dir);
            }
        }
    }

    private static RemoteRun await(Process process, Duration timeout, OutputStream out, String host) {
        long start = System.nanoTime();
        Thread pump = pump(process.getInputStream(), out, host);
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                pump.join(5000);
                return new RemoteRun.TimedOut(since(start));
            }
            // ssh's ControlMaster (nixos-rebuild starts one) may outlive nixos-rebuild holding the pipe: give up on it.
            pump.join(5000);
            return new RemoteRun.Exited(process.exitValue(), since(start));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            return new RemoteRun.Signalled("KILL", since(start));
        }
    }

    private static Thread pump(InputStream in, OutputStream sink, String host) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            try (sink; in) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    sink.write(buf, 0, n);
                }
            } catch (IOException e) {
                // the process was killed; the caller reports why
            }
        }, "local-rebuild-output-" + host);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.debugf("cannot delete %s: %s", dir, e.getMessage());
        }
    }
}
