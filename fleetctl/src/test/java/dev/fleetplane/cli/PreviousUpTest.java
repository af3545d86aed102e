package dev.fleetplane.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreviousUpTest {

    @TempDir
    Path tmp;

    /** The pid of a process that ran and is gone (as a SIGKILLed {@code up}'s). */
    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }

    @Test
    void workDirectoriesOfAKilledRun_areRemoved_thoseOfALiveOneAndOthersStay() throws Exception {
        long dead = deadPid();
        Path killed = Files.createDirectories(tmp.resolve("fleetplane-123"));
        Files.writeString(killed.resolve(PreviousUp.OWNER), dead + "\n");
        Files.writeString(Files.createDirectories(killed.resolve("logs")).resolve("planner-service.log"), "x");
        Files.writeString(killed.resolve("fleet_ed25519"), "-----BEGIN OPENSSH PRIVATE KEY-----");
        Path live = Files.createDirectories(tmp.resolve("fleetplane-456"));
        PreviousUp.claim(live);
        Path unmarked = Files.createDirectories(tmp.resolve("fleetplane-pvesim-789"));

        List<String> removed = PreviousUp.workDirectories(tmp);

        assertEquals(List.of("work directory " + killed + " of pid " + dead + " (fleet key, tokens, logs)"), removed);
        assertFalse(Files.exists(killed));
        assertTrue(Files.exists(live.resolve(PreviousUp.OWNER)), "a running up's directory stays");
        assertTrue(Files.exists(unmarked), "a directory without the owner file is not ours");
    }

    @Test
    void aStackFileOfAProcessThatIsGone_isRemoved_oneOfALiveProcessStays() throws Exception {
        long dead = deadPid();
        Path file = tmp.resolve("stack.json");
        Files.writeString(file, "{\"planner\":\"http://127.0.0.1:8081\",\"pid\":" + dead + "}");
        assertEquals(Optional.of(file + " of pid " + dead + ", which no longer runs"), PreviousUp.staleStackFile(file));
        assertFalse(Files.exists(file));

        Files.writeString(file, "{\"pid\":" + ProcessHandle.current().pid() + "}");
        assertEquals(Optional.empty(), PreviousUp.staleStackFile(file));
        assertTrue(Files.exists(file));
        assertEquals(Optional.empty(), PreviousUp.staleStackFile(tmp.resolve("missing.json")));
    }
}
