package dev.fleetplane.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private static List<Long> schedule(Backoff backoff) {
        List<Long> pauses = new ArrayList<>();
        for (int attempt = 1; ; attempt++) {
            Optional<Duration> pause = backoff.after(attempt);
            if (pause.isEmpty()) {
                return pauses;
            }
            pauses.add(pause.get().toMillis());
        }
    }

    @Test
    void pausesDouble_fromTheInitialBackoff_untilTheCap() {
        Backoff backoff = new Backoff(8, Duration.ofMillis(200), Duration.ofSeconds(2));

        assertEquals(List.of(200L, 400L, 800L, 1600L, 2000L, 2000L, 2000L), schedule(backoff));
    }

    @Test
    void theLastAttempt_hasNoPauseAfterIt_soTheRecordIsDeadLetteredAfterExactlyTheAttempts() {
        assertEquals(4, schedule(new Backoff(5, Duration.ofMillis(10), Duration.ofMillis(50))).size());
        assertEquals(List.of(), schedule(new Backoff(1, Duration.ofMillis(10), Duration.ofMillis(50))));
    }

    @Test
    void theDefaults_areFiveAttempts_from200msDoublingTo5s() {
        assertEquals(List.of(200L, 400L, 800L, 1600L),
                schedule(new Backoff(5, Duration.ofMillis(200), Duration.ofSeconds(5))));
    }

    @Test
    void aLongSchedule_staysAtTheCap_withoutOverflow() {
        Backoff backoff = new Backoff(Integer.MAX_VALUE, Duration.ofMillis(1), Duration.ofSeconds(1));

        assertEquals(Optional.of(Duration.ofSeconds(1)), backoff.after(1_000_000));
    }

    @Test
    void nonsense_isRefusedNamingTheProperty() {
        assertThrows(IllegalArgumentException.class, () -> new Backoff(0, Duration.ZERO, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(3, Duration.ofSeconds(2), Duration.ofSeconds(1)));
    }
}
