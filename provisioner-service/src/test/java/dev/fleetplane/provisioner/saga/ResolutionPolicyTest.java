package dev.fleetplane.provisioner.saga;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ResolutionPolicyTest {

    private static ResolutionPolicy policy(long initialMs, long maxMs) {
        return new ResolutionPolicy(Duration.ofMillis(initialMs), Duration.ofMillis(maxMs), Duration.ofSeconds(300),
                Duration.ofSeconds(15));
    }

    @Test
    void backoff_startsAtInitialAndDoublesUntilCapped() {
        ResolutionPolicy p = policy(500, 5000);
        assertEquals(Duration.ofMillis(500), p.backoff(1));
        assertEquals(Duration.ofMillis(1000), p.backoff(2));
        assertEquals(Duration.ofMillis(2000), p.backoff(3));
        assertEquals(Duration.ofMillis(4000), p.backoff(4));
        assertEquals(Duration.ofMillis(5000), p.backoff(5));
        assertEquals(Duration.ofMillis(5000), p.backoff(1_000_000), "no overflow for very many failures");
    }

    @Test
    void backoff_ofZeroFailures_isRejected() {
        assertThrows(IllegalArgumentException.class, () -> policy(500, 5000).backoff(0));
    }

    @Test
    void maxShorterThanInitial_isRejectedNamingBothKeys() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> policy(5000, 500));
        assertTrue(e.getMessage().contains("max-backoff") && e.getMessage().contains("initial-backoff"), e.getMessage());
    }

    @Test
    void zeroDeadline_isRejectedNamingTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ResolutionPolicy(
                Duration.ofMillis(500), Duration.ofSeconds(5), Duration.ZERO, Duration.ofSeconds(15)));
        assertTrue(e.getMessage().contains("fleetplane.provisioner.ip-resolution.deadline"), e.getMessage());
    }
}
