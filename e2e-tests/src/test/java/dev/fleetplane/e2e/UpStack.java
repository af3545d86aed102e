package dev.fleetplane.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code ./fleetplane up} on the simulator as an operator starts it, for the end-to-end tests that need a running
 * stack: every port free, a throwaway directory holding its fleet home ({@code home/}) and config, nothing inherited
 * from the machine's Proxmox, planner, token or console settings. What it printed, its addresses, the CLI against
 * it, and a close that stops it and removes the directory.
 */
final class UpStack implements AutoCloseable {

    private static final List<String> NOT_INHERITED = List.of("PVE_URL", "PVE_TOKEN", "PVE_CONSOLE_USERNAME",
            "PVE_CONSOLE_PASSWORD", "FLEETPLANE_TOKEN", "FLEETPLANE_PLANNER_URL", "FLEETPLANE_CONSOLE_TOKEN",
            "FLEETPLANE_CONSOLE_GATEWAY_URL");

    private final Path repo = Path.of(System.getProperty("fleetplane.home", "..")).toAbsolutePath().normalize();
    private final Path dir;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private Process up;

    /** A directory for a stack named {@code what}; nothing runs yet. */
    UpStack(String what) throws IOException {
        // As root, PostgreSQL runs as user postgres, who must be able to walk into the work directory.
        dir = Files.createTempDirectory(Path.of("/tmp"), "fleetplane-e2e-" + what + "-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /**
     * Starts {@code up} (with {@code options} after its own, e.g. {@code --replicas 2}) and waits until it prints
     * {@code ready}; fails with what it printed otherwise.
     */
    UpStack start(Duration timeout, String... options) throws Exception {
        output.clear(); // a second start (after a killed first one) waits for its own "ready"
        List<String> command = new ArrayList<>(List.of(repo.resolve("fleetplane").toString(), "up", "--pve-port", "0",
                "--planner-port", "0", "--adapter-port", "0", "--provisioner-port", "0", "--template-builder-port", "0",
                "--console-gateway-port", "0"));
        command.addAll(List.of(options));
        up = launcher(command.toArray(String[]::new)).redirectError(dir.resolve("up.err").toFile()).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(up.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    System.out.println("[up] " + line);
                    output.add(line);
                }
            } catch (IOException ignored) {
                // up exited
            }
        }, "up-reader");
        reader.setDaemon(true);
        reader.start();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!output.contains("ready")) {
            if (!up.isAlive() || System.nanoTime() > deadline) {
                fail("up did not print ready (alive: " + up.isAlive() + "):\n" + String.join("\n", output) + "\n"
                        + Files.readString(dir.resolve("up.err")));
            }
            Thread.sleep(200);
        }
        return this;
    }

    /** The running {@code up}'s process (the JVM: {@code ./fleetplane} execs it). */
    Process process() {
        return up;
    }

    /** The throwaway directory (the fleet home is its {@code home/}). */
    Path dir() {
        return dir;
    }

    /** Every line {@code up} printed so far. */
    List<String> output() {
        return output;
    }

    /** What up printed as {@code name: address}. */
    String address(String name) {
        return output.stream().filter(l -> l.startsWith(name + ": ")).map(l -> l.substring(name.length() + 2).strip())
                .findFirst().orElseThrow(() -> new AssertionError("up printed no " + name + " address: " + output));
    }

    /** Runs {@code ./fleetplane args…} against this stack and returns its output; it must exit 0. */
    String cli(String... args) throws Exception {
        return cli(true, args);
    }

    /** {@link #cli(String...)}; its output is echoed to the test log unless it holds a secret ({@code echo} false). */
    String cli(boolean echo, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(repo.resolve("fleetplane").toString());
        cmd.addAll(List.of(args));
        Process p = launcher(cmd.toArray(String[]::new)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "fleetplane " + String.join(" ", args) + " did not finish");
        assertEquals(0, p.exitValue(), "fleetplane " + String.join(" ", args) + ":\n" + out);
        if (echo) {
            System.out.println("[cli " + args[0] + "] " + out.replace("\n", "\n[cli " + args[0] + "] "));
        }
        return out;
    }

    /** A command run in the repository with this stack's fleet home and config and nothing of the machine's. */
    ProcessBuilder launcher(String... cmd) {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(repo.toFile());
        pb.environment().put("FLEETPLANE_SKIP_BUILD", "1");
        pb.environment().put("FLEETPLANE_HOME", dir.resolve("home").toString());
        pb.environment().put("XDG_CONFIG_HOME", dir.resolve("config").toString());
        NOT_INHERITED.forEach(pb.environment()::remove);
        return pb;
    }

    /** The repository (where {@code ./fleetplane} and {@code examples/} are). */
    Path repo() {
        return repo;
    }

    /** Stops {@code up} with SIGTERM, as Ctrl-C does; whether it ended within {@code timeout}. */
    boolean stop(Duration timeout) throws InterruptedException {
        up.destroy();
        return up.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws Exception {
        if (up != null && up.isAlive()) {
            up.destroy();
            up.waitFor(90, TimeUnit.SECONDS);
            up.destroyForcibly();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
