package dev.fleetplane.localstack;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The broker and PostgreSQL must not outlive a JVM that is SIGKILLed while it owns a stack. */
class LocalStackOrphanIT {

    private static final Pattern PIDS = Pattern.compile("pids: kafka=(\\d+) postgres=(\\d+) watchdog=(\\d+)");
    private static final Duration BOUND = Duration.ofSeconds(20);

    @Test
    void killedOwner_takesBrokerAndPostgresAndWorkDirWithIt() throws Exception {
        // A private (0700) parent: user postgres cannot reach it, so PostgreSQL gets a directory of its own in /tmp.
        Path work = Files.createTempDirectory("fleetplane-orphan-it-").resolve("stack");
        Path stderr = Files.createTempFile("fleetplane-orphan-it-", ".log");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process owner = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                LocalStackMain.class.getName(), "--work-dir", work.toString())
                .redirectError(stderr.toFile())
                .start();
        List<String> lines = new ArrayList<>();
        long[] pids = null;
        try {
            var reader = new BufferedReader(new InputStreamReader(owner.getInputStream(), StandardCharsets.UTF_8));
            var ready = CompletableFuture.supplyAsync(() -> {
                try {
                    for (String line; (line = reader.readLine()) != null; ) {
                        lines.add(line);
                        if (line.equals("ready")) {
                            return true;
                        }
                    }
                    return false;
                } catch (java.io.IOException e) {
                    return false;
                }
            });
            if (!ready.get(90, TimeUnit.SECONDS)) {
                fail("the owner JVM never printed 'ready': " + lines + "\n" + Files.readString(stderr));
            }
            Matcher m = lines.stream().map(PIDS::matcher).filter(Matcher::matches).findFirst()
                    .orElseThrow(() -> new AssertionError("no pids line in " + lines));
            Path postgresDir = lines.stream().filter(l -> l.startsWith("postgres dir: ")).map(l -> Path.of(l.substring(14)))
                    .findFirst().orElseThrow(() -> new AssertionError("no postgres dir line in " + lines));
            if (dev.fleetplane.localstack.postgres.PostgresLauncher.isRoot()) {
                assertFalse(postgresDir.startsWith(work), "as root, postgres lives outside a private work dir");
            }
            pids = new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3))};
            for (long pid : pids) {
                assertTrue(alive(pid), "pid " + pid + " runs before the kill");
            }

            owner.destroyForcibly(); // SIGKILL: no shutdown hook runs
            assertTrue(owner.waitFor(10, TimeUnit.SECONDS));
            assertEquals(137, owner.exitValue());

            long killed = System.nanoTime();
            long deadline = killed + BOUND.toNanos();
            while ((alive(pids[0]) || alive(pids[1]) || alive(pids[2]) || Files.exists(work) || Files.exists(postgresDir))
                    && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            System.out.printf("orphans gone %.1f s after the owner's SIGKILL%n", (System.nanoTime() - killed) / 1e9);
            assertFalse(alive(pids[0]), "broker pid " + pids[0] + " outlived its owner by " + BOUND.toSeconds() + " s");
            assertFalse(alive(pids[1]), "postmaster pid " + pids[1] + " outlived its owner by " + BOUND.toSeconds() + " s");
            assertFalse(alive(pids[2]), "watchdog pid " + pids[2] + " did not finish");
            assertFalse(Files.exists(work), work + " was not removed");
            assertFalse(Files.exists(postgresDir), postgresDir + " was not removed");
        } finally {
            owner.destroyForcibly();
            if (pids != null) {
                for (long pid : pids) {
                    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
            Files.deleteIfExists(stderr);
            Files.deleteIfExists(work.getParent());
        }
    }

    /**
     * Whether {@code pid} still runs. A zombie does not: it has exited and waits for its parent to reap it, and an
     * orphan's parent is PID 1, which on some machines (a VM's minimal init) reaps only now and then.
     */
    private static boolean alive(long pid) {
        if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (java.io.IOException gone) {
            return false;
        }
    }
}
