package dev.fleetplane.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SupervisorTest {

    @Test
    void backoff_startsAtOneSecondAndDoublesToThirty() {
        assertEquals(List.of(1L, 1L, 2L, 4L, 8L, 16L, 30L, 30L),
                IntStream.of(0, 1, 2, 3, 4, 5, 6, 20).mapToObj(n -> Supervisor.backoff(n).toSeconds()).toList());
    }

    @Test
    void crashWindow_givesUpAtTheFifthCrashWithinAMinute() {
        var window = new Supervisor.CrashWindow(5, Duration.ofMinutes(1));
        Instant t = Instant.parse("2026-12-07T10:00:00Z");
        for (int i = 1; i <= 4; i++) {
            assertEquals(i, window.record(t.plusSeconds(10L * i)));
            assertFalse(window.exceeded(), "crash " + i);
        }
        assertEquals(5, window.record(t.plusSeconds(50)));
        assertTrue(window.exceeded());
    }

    @Test
    void crashWindow_forgetsCrashesOlderThanTheWindow() {
        var window = new Supervisor.CrashWindow(5, Duration.ofMinutes(1));
        Instant t = Instant.parse("2026-12-07T10:00:00Z");
        for (int i = 0; i < 4; i++) {
            window.record(t.plusSeconds(i));
        }
        assertEquals(1, window.record(t.plusSeconds(200)), "four crashes three minutes ago no longer count");
        assertFalse(window.exceeded());
    }
}
