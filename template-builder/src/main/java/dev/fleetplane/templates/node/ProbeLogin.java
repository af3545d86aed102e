package dev.fleetplane.templates.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.channel.direct.Session;
import net.schmizz.sshj.transport.verification.PromiscuousVerifier;

/**
 * The smoke test's SSH login: the fleet key must let {@code user} in on the probe clone and run a command. The probe's
 * host key is accepted unseen: the clone made it on its first boot a minute ago and is destroyed right after, and a
 * public-key login reveals nothing to an impostor. Tries again until the deadline (sshd may still be starting).
 */
public final class ProbeLogin {

    private ProbeLogin() {
    }

    /** Logs in and runs {@code echo fleetplane-smoke}; throws naming the last failure once the deadline passed. */
    public static void check(String address, int port, String user, Path identityFile, Duration deadline)
            throws IOException {
        long end = System.nanoTime() + deadline.toNanos();
        IOException last;
        do {
            try {
                once(address, port, user, identityFile);
                return;
            } catch (IOException e) {
                last = e;
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        } while (System.nanoTime() < end);
        throw new IOException("no SSH login as " + user + " with the fleet key on " + address + ":" + port
                + " within " + deadline + ": " + last.getMessage(), last);
    }

    private static void once(String address, int port, String user, Path identityFile) throws IOException {
        try (SSHClient ssh = new SSHClient()) {
            ssh.addHostKeyVerifier(new PromiscuousVerifier());
            ssh.setConnectTimeout(5000);
            ssh.setTimeout(15000);
            ssh.connect(address, port);
            ssh.authPublickey(user, ssh.loadKeys(identityFile.toString()));
            try (Session s = ssh.startSession(); Session.Command cmd = s.exec("echo fleetplane-smoke")) {
                String out = new String(cmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                cmd.join(10, TimeUnit.SECONDS);
                if (!"fleetplane-smoke".equals(out)) {
                    throw new IOException("the login ran, but 'echo fleetplane-smoke' printed '" + out + "'");
                }
            }
        }
    }
}
