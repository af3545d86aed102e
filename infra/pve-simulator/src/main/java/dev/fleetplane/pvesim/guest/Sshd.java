package dev.fleetplane.pvesim.guest;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The one way the simulator runs OpenSSH servers on loopback addresses (the loopback guests' and the nodes'): host keys
 * made by {@code ssh-keygen}, {@code sshd -D -e -f <config>} started as a child and waited for until it accepts
 * connections, and a stop that kills sessions before the listener. Errors are {@link IOException}s whose message names
 * {@code what} ("guest VM 150", "node pve"), for the caller to turn into its own kind of failure.
 */
public final class Sshd {

    private static final Logger LOG = Logger.getLogger(Sshd.class.getName());
    private static final long LISTEN_TIMEOUT_MILLIS = 10_000;

    private Sshd() {
    }

    /**
     * Writes a new ed25519 key pair ({@code keyFile}, {@code keyFile.pub}) without a passphrase: a server's host key,
     * or the fleet key a test logs in with.
     */
    public static void generateKey(Path sshKeygen, Path keyFile, String comment, String what)
            throws IOException, InterruptedException {
        Process keygen = new ProcessBuilder(sshKeygen.toString(), "-q", "-t", "ed25519", "-N", "", "-C", comment,
                "-f", keyFile.toString())
                .redirectErrorStream(true).start();
        String output = new String(keygen.getInputStream().readAllBytes());
        if (!keygen.waitFor(10, TimeUnit.SECONDS) || keygen.exitValue() != 0) {
            keygen.destroyForcibly();
            throw new IOException("cannot generate the key of " + what + ": " + output.strip());
        }
    }

    /**
     * A public key's fingerprint as {@code ssh-keygen -lf} prints it: {@code SHA256:} and the unpadded base64 of the
     * SHA-256 of the key blob (the second field of a {@code .pub} line).
     */
    public static String fingerprint(Path publicKeyFile) throws IOException {
        String[] fields = Files.readString(publicKeyFile, StandardCharsets.US_ASCII).strip().split("\\s+");
        if (fields.length < 2) {
            throw new IOException("not an OpenSSH public key: " + publicKeyFile);
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(Base64.getDecoder().decode(fields[1]));
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException | IllegalArgumentException e) {
            throw new IOException("cannot fingerprint " + publicKeyFile + ": " + e.getMessage(), e);
        }
    }

    /**
     * Starts {@code sshd -D -e -f config} (output appended to {@code log}) and returns once it accepts connections on
     * {@code address:port}; a server that exits or does not listen within 10 s is stopped and reported.
     */
    public static Process start(Path sshd, Path config, Path log, String address, int port, String what)
            throws IOException, InterruptedException {
        try {
            Files.createDirectories(Path.of("/run/sshd")); // sshd's privilege separation directory
        } catch (IOException e) {
            LOG.fine(() -> "cannot create /run/sshd: " + e.getMessage());
        }
        Process process = new ProcessBuilder(sshd.toString(), "-D", "-e", "-f", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        long deadline = System.currentTimeMillis() + LISTEN_TIMEOUT_MILLIS;
        while (true) {
            if (!process.isAlive()) {
                throw new IOException("SSH server of " + what + " exited with code " + process.exitValue()
                        + ": " + lastLine(log));
            }
            if (listening(address, port)) {
                LOG.fine(() -> what + " sshd listens on " + address + ":" + port);
                return process;
            }
            if (System.currentTimeMillis() > deadline) {
                stop(process, config);
                throw new IOException("SSH server of " + what + " did not listen on " + address + ":" + port
                        + " within " + LISTEN_TIMEOUT_MILLIS / 1000 + " s: " + lastLine(log));
            }
            Thread.sleep(20);
        }
    }

    private static boolean listening(String address, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The last line of an sshd log, for error messages. */
    public static String lastLine(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return lines.isEmpty() ? "(no output)" : lines.get(lines.size() - 1);
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /**
     * Stops the server ({@code process} may be null when it is already gone) and any listener still running with
     * this config file.
     */
    public static void stop(Process process, Path config) {
        if (process != null) {
            kill(process.toHandle());
        }
        sweep(config.toString());
    }

    /**
     * Kills sshd's sessions (and what runs in them) first, while the listener still reaps them, then the listener
     * itself: killed the other way round, sessions would be orphaned and outlive it. Sessions get SIGKILL (a VM stop
     * is a power-off, and sshd's session monitor takes its time over SIGTERM).
     */
    private static void kill(ProcessHandle main) {
        for (int round = 0; round < 2 && main.isAlive(); round++) {
            List<ProcessHandle> tree = new ArrayList<>(main.descendants().toList());
            tree.sort(Comparator.comparingLong(ProcessHandle::pid).reversed());
            tree.forEach(ProcessHandle::destroyForcibly);
            tree.forEach(p -> awaitExit(p, 1000));
        }
        main.destroy();
        awaitExit(main, 2000);
    }

    private static void awaitExit(ProcessHandle p, long millis) {
        try {
            p.onExit().get(millis, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            p.destroyForcibly();
            try {
                p.onExit().get(1000, TimeUnit.MILLISECONDS);
            } catch (Exception ignored) {
                LOG.warning(() -> "process " + p.pid() + " did not exit after SIGKILL");
            }
        }
    }

    // A listener that outlived its Process object (sshd rewrites its command line to "sshd: <argv> [listener]") is
    // found by its config path. Sessions forked after the tree was listed are not: that window is a few microseconds.
    private static void sweep(String configPath) {
        try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
            all.filter(p -> rawCommandLine(p).contains(configPath)).forEach(Sshd::kill);
        }
    }

    private static String rawCommandLine(ProcessHandle p) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline"))).replace('\0', ' ');
        } catch (IOException | RuntimeException e) {
            return p.info().commandLine().orElse("");
        }
    }
}
