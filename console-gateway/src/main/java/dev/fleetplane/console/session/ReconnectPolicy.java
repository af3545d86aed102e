package dev.fleetplane.console.session;

import java.time.Duration;
import java.util.Optional;

/**
 * When to try a dropped serial line again: after 1 s, then doubling up to {@code maxDelay}, at most {@code attempts}
 * times in a row; a success starts the count again. Pure.
 */
public record ReconnectPolicy(int attempts, Duration firstDelay, Duration maxDelay) {

    public static final ReconnectPolicy DEFAULT = new ReconnectPolicy(6, Duration.ofSeconds(1), Duration.ofSeconds(15));

    public ReconnectPolicy {
        if (attempts < 0) {
            throw new IllegalArgumentException("reconnect attempts must be 0 or more, got " + attempts);
        }
        if (firstDelay.isNegative() || maxDelay.compareTo(firstDelay) < 0) {
            throw new IllegalArgumentException("reconnect delays must satisfy 0 <= first <= max, got " + firstDelay
                    + " and " + maxDelay);
        }
    }

    /** The wait before attempt {@code attempt} (1-based); empty once the attempts are used up. */
    public Optional<Duration> delayBefore(int attempt) {
        if (attempt < 1 || attempt > attempts) {
            return Optional.empty();
        }
        Duration d = firstDelay;
        for (int i = 1; i < attempt && d.compareTo(maxDelay) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return Optional.of(d.compareTo(maxDelay) > 0 ? maxDelay : d);
    }
}
