package dev.fleetplane.provisioner.saga;

import java.time.Duration;

/**
 * How patiently a guest's address is asked for: exponential backoff between queries that gave no
 * usable address, a re-send for queries nobody answered, and a deadline for the whole resolution.
 */
public record ResolutionPolicy(Duration initialBackoff, Duration maxBackoff, Duration deadline, Duration replyTimeout) {

    public ResolutionPolicy {
        requirePositive("fleetplane.provisioner.ip-resolution.initial-backoff", initialBackoff);
        requirePositive("fleetplane.provisioner.ip-resolution.max-backoff", maxBackoff);
        requirePositive("fleetplane.provisioner.ip-resolution.deadline", deadline);
        requirePositive("fleetplane.provisioner.ip-resolution.reply-timeout", replyTimeout);
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("fleetplane.provisioner.ip-resolution.max-backoff (" + maxBackoff
                    + ") must not be shorter than initial-backoff (" + initialBackoff + ")");
        }
    }

    /** The pause after the {@code failures}-th query without a usable address (1-based): initial × 2^(n-1), capped. */
    public Duration backoff(int failures) {
        if (failures < 1) {
            throw new IllegalArgumentException("failures must be 1 or more, was " + failures);
        }
        Duration d = initialBackoff;
        for (int i = 1; i < failures && d.compareTo(maxBackoff) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
    }

    private static void requirePositive(String key, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(key + " must be a positive duration, was " + d);
        }
    }
}
