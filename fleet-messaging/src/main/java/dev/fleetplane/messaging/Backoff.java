package dev.fleetplane.messaging;

import java.time.Duration;
import java.util.Optional;

/**
 * The retry schedule of a failing handler: capped exponential backoff over a fixed number of attempts.
 * Pure, so the schedule is tested without a broker.
 */
public record Backoff(int attempts, Duration initial, Duration max) {

    public Backoff {
        if (attempts < 1) {
            throw new IllegalArgumentException("fleetplane.consumer.attempts must be at least 1, got " + attempts);
        }
        if (initial.isNegative() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("fleetplane.consumer needs 0 <= initial-backoff <= max-backoff, got "
                    + initial + " and " + max);
        }
    }

    /** The pause after {@code failedAttempt} (1-based) failed, or empty when that was the last attempt. */
    public Optional<Duration> after(int failedAttempt) {
        if (failedAttempt >= attempts) {
            return Optional.empty();
        }
        Duration pause = initial;
        for (int i = 1; i < failedAttempt && pause.compareTo(max) < 0; i++) {
            pause = pause.multipliedBy(2);
        }
        return Optional.of(pause.compareTo(max) > 0 ? max : pause);
    }
}
