package dev.fleetplane.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The supervisor with a real process that keeps crashing: restarted with backoff, then given up on at the 5th crash. */
class SupervisorIT {

    @TempDir
    Path tmp;

    @Test
    void aServiceThatKeepsCrashing_isRestartedFourTimes_thenGivenUpOnWithItsLog() throws Exception {
        Path log = tmp.resolve("crashy.log");
        ServiceProcess crashy = ServiceProcess.command("crashy", Ports.claim("crashy", 0),
                List.of("sh", "-c", "echo 'boom: cannot bind' ; exit 3"), Map.of(), log);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        CompletableFuture<ServiceProcess> givenUp = new CompletableFuture<>();
        try (Supervisor supervisor = new Supervisor(List.of(crashy),
                new PrintStream(printed, true, StandardCharsets.UTF_8), givenUp::complete, Clock.systemUTC())) {
            ServiceProcess gone = givenUp.get(2, TimeUnit.MINUTES);
            assertEquals("crashy", gone.name);
            assertEquals(Map.of("crashy", 4), supervisor.restarts());
        }
        String out = printed.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("crashy exited with status 3; restarting in 1 s (restart 1;"), out);
        assertTrue(out.contains("restarting in 8 s (restart 4;"), out);
        assertTrue(out.contains("crashy exited with status 3, its 5 crashes within 60 s: giving up"), out);
        assertEquals(5, Files.readAllLines(log).stream().filter(l -> l.equals("boom: cannot bind")).count(),
                "every start appended to the same log");
        crashy.close();
    }

    @Test
    void aRestartedServiceThatHangsWithoutBeingReady_isKilledAndStartedAgain() throws Exception {
        Path log = tmp.resolve("hangs.log");
        Path started = tmp.resolve("started");
        // The first start exits at once; every later one hangs (never listens, never exits).
        ServiceProcess hangs = ServiceProcess.command("hangs", Ports.claim("hangs", 0), List.of("sh", "-c",
                "if [ -e " + started + " ]; then echo hanging; exec sleep 600; fi; touch " + started + "; exit 3"),
                Map.of(), log);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (Supervisor supervisor = new Supervisor(List.of(hangs), new PrintStream(printed, true,
                StandardCharsets.UTF_8), gone -> { }, Clock.systemUTC(), java.time.Duration.ofSeconds(2))) {
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
            while (supervisor.restarts().get("hangs") < 2) {
                assertTrue(System.nanoTime() < deadline, "the hung restart was never killed and started again:\n"
                        + printed.toString(StandardCharsets.UTF_8));
                Thread.sleep(100);
            }
        } finally {
            hangs.close();
        }
        String out = printed.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("hangs did not come back: "), out);
        assertTrue(out.contains("hangs exited with status 137; restarting in 2 s (restart 2;"), out);
    }
}
