package dev.fleetplane.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code ./fleetplane up} killed with SIGKILL: its guests die with it (the simulator's guest watchdog: sshd processes,
 * network namespaces, bridge), and the next {@code up} removes what is left (the throwaway work directory with the
 * fleet's private key, the stale {@code stack.json}) and says so.
 */
class UpKilledE2EIT {

    private static final Duration START = Duration.ofMinutes(5);

    @Test
    void upKilled_guestsDieWithIt_andTheNextStartCleansUpAndSaysWhat() throws Exception {
        try (UpStack stack = new UpStack("killed")) {
            stack.start(START);
            Process first = stack.process();
            long pid = first.pid();
            List<ProcessHandle> sshds = first.descendants()
                    .filter(h -> h.info().command().filter(c -> c.endsWith("/sshd")).isPresent()).toList();
            List<String> namespaces = sshds.stream().map(UpKilledE2EIT::netns).filter(n -> n.startsWith("fpsim-"))
                    .toList();
            assertFalse(namespaces.isEmpty(), "the seed's running VM is a guest in a namespace");
            Path workDir = ownedWorkDir(pid);
            assertTrue(Files.exists(workDir.resolve("fleet_ed25519")), "the fleet's private key is in " + workDir);
            Path stackFile = stack.dir().resolve("home/stack.json");
            assertTrue(Files.exists(stackFile));

            first.destroyForcibly(); // SIGKILL: no shutdown hook
            assertTrue(first.waitFor(30, TimeUnit.SECONDS));

            for (ProcessHandle sshd : sshds) {
                sshd.onExit().get(30, TimeUnit.SECONDS);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (namespaces.stream().anyMatch(n -> Files.exists(Path.of("/run/netns", n)))) {
                assertTrue(System.nanoTime() < deadline, "namespaces left after the kill: " + namespaces);
                Thread.sleep(200);
            }
            assertTrue(Files.exists(workDir) && Files.exists(stackFile), "what the next start cleans is still there");

            stack.start(START);

            String err = Files.readString(stack.dir().resolve("up.err"), StandardCharsets.UTF_8);
            assertTrue(err.contains("cleaned up after a killed run: work directory " + workDir + " of pid " + pid), err);
            assertTrue(err.contains("cleaned up after a killed run: " + stackFile + " of pid " + pid), err);
            assertFalse(Files.exists(workDir), "the killed run's work directory (its fleet key) is gone");
            assertEquals(stack.process().pid(), pidIn(stackFile), "stack.json is the new run's");
            assertTrue(stack.stop(Duration.ofSeconds(90)));
        }
    }

    private static String netns(ProcessHandle process) {
        try {
            Process identify = new ProcessBuilder("ip", "netns", "identify", Long.toString(process.pid())).start();
            String ns = new String(identify.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            identify.waitFor();
            return ns;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The throwaway work directory the {@code up} of {@code pid} made (its owner file names it). */
    private static Path ownedWorkDir(long pid) throws Exception {
        try (Stream<Path> dirs = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return dirs.filter(d -> d.getFileName().toString().startsWith("fleetplane-"))
                    .filter(d -> {
                        try {
                            return Files.readString(d.resolve(".fleetplane-up.pid")).strip().equals(Long.toString(pid));
                        } catch (java.io.IOException e) {
                            return false;
                        }
                    }).findFirst().orElseThrow(() -> new AssertionError("no work directory of pid " + pid));
        }
    }

    private static long pidIn(Path stackFile) throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(stackFile.toFile()).path("pid").asLong();
    }
}
