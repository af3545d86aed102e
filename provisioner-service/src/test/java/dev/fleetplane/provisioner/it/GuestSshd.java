package dev.fleetplane.provisioner.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A simulated NixOS guest for the component test: a real OpenSSH sshd on a 127.x loopback address, root
 * login by key only, and a stand-in {@code nixos-rebuild} on its PATH that prints like the real one and
 * switches {@code <guestdir>/run/current-system}. Host names starting with {@code broken} fail to build.
 */
final class GuestSshd implements AutoCloseable {

    private static final Path SSHD = Path.of("/usr/sbin/sshd");
    private static final Path SSH_KEYGEN = Path.of("/usr/bin/ssh-keygen");

    private final Path dir;
    private final Path identity;
    private final int port;
    private String address;
    private Process process;

    private GuestSshd(Path dir, int port) {
        this.dir = dir;
        this.port = port;
        this.identity = dir.resolve("client/id_ed25519");
    }

    /** Generates the provisioner's key pair and the guest's host key, and starts sshd. */
    static GuestSshd start(int port) {
        try {
            GuestSshd g = new GuestSshd(Files.createTempDirectory("provisioner-it-guest"), port);
            Files.createDirectories(g.identity.getParent());
            keygen(g.identity);
            Files.copy(Path.of(g.identity + ".pub"), g.dir.resolve("authorized_keys"));
            keygen(g.hostKey());
            g.writeStandIn();
            Files.createDirectories(Path.of("/run/sshd"));
            g.launch();
            return g;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path identityFile() {
        return identity;
    }

    String address() {
        return address;
    }

    Path currentSystem() {
        return dir.resolve("run/current-system");
    }

    /** What {@code ssh-keygen -lf} says of the guest's host key: {@code SHA256:…}. */
    String hostKeyFingerprint() {
        String out = run(SSH_KEYGEN.toString(), "-l", "-E", "sha256", "-f", hostKey() + ".pub");
        return out.split(" ")[1];
    }

    /** The guest is "reinstalled": a new host key, same address. */
    void changeHostKey() throws IOException, InterruptedException {
        stop();
        Files.delete(hostKey());
        Files.delete(Path.of(hostKey() + ".pub"));
        keygen(hostKey());
        launch(address);
    }

    @Override
    public void close() throws IOException {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private Path hostKey() {
        return dir.resolve("ssh_host_ed25519_key");
    }

    private void launch() throws IOException {
        // A random 127.x address, like the demo's guests; another address if something already listens there.
        IOException last = null;
        for (int i = 0; i < 5; i++) {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            String candidate = "127." + r.nextInt(1, 255) + "." + r.nextInt(0, 256) + "." + r.nextInt(2, 255);
            try {
                launch(candidate);
                return;
            } catch (IOException e) {
                last = e;
            }
        }
        throw last;
    }

    private void launch(String at) throws IOException {
        address = at;
        Path config = dir.resolve("sshd_config");
        Files.writeString(config, String.join("\n",
                "ListenAddress " + at + ":" + port,
                "HostKey " + hostKey(),
                "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
                "PidFile " + dir.resolve("sshd.pid"),
                "StrictModes no",
                "UsePAM no",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "PermitRootLogin prohibit-password",
                "SetEnv PATH=" + dir.resolve("bin") + ":/usr/local/bin:/usr/bin:/bin",
                "LogLevel VERBOSE", ""));
        process = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("sshd.log").toFile())
                .start();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < until) {
            if (!process.isAlive()) {
                throw new IOException("sshd on " + at + ":" + port + " exited: " + Files.readString(dir.resolve("sshd.log")));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(at, port), 200);
                return;
            } catch (IOException notYet) {
                sleep(50);
            }
        }
        process.destroyForcibly();
        throw new IOException("sshd on " + at + ":" + port + " did not listen within 10 s");
    }

    private void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            process = null;
        }
    }

    private void writeStandIn() throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path script = bin.resolve("nixos-rebuild");
        Files.writeString(script, """
                #!/bin/sh
                # Stand-in for nixos-rebuild: output like the real one, then switch run/current-system.
                GUEST='%s'
                flake=""
                while [ $# -gt 0 ]; do
                  case "$1" in --flake) flake="$2"; shift ;; esac
                  shift
                done
                host="${flake##*#}"
                echo "building the system configuration..."
                seq 1 5000 | sed "s|.*|copying path '/nix/store/&-pkg' from 'https://cache.nixos.org'...|"
                case "$host" in
                  broken*) echo "error: attribute 'nixosConfigurations.$host' missing" >&2; exit 1 ;;
                esac
                gen="$GUEST/generations/$host-$(date +%%s%%N)"
                mkdir -p "$gen" "$GUEST/run"
                ln -sfn "$gen" "$GUEST/run/current-system"
                echo "activating the configuration..."
                echo "switched $host to $gen"
                """.formatted(dir), StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static void keygen(Path file) {
        run(SSH_KEYGEN.toString(), "-q", "-t", "ed25519", "-N", "", "-C", "provisioner-it", "-f", file.toString());
    }

    private static String run(String... command) {
        try {
            Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
