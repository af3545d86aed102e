package dev.fleetplane.proxmox.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Retries a Proxmox call that failed with a retryable failure (lock contention, 5xx/59x, connection
 * trouble) with exponential backoff and full jitter, so parallel clones do not retry in lockstep.
 * Never retries 400/401/403 or not-found.
 */
public record RetryPolicy(int attempts, Duration baseDelay, Duration maxDelay) {

    public RetryPolicy {
        if (attempts < 1) {
            throw new IllegalArgumentException("retry attempts must be at least 1, got " + attempts);
        }
    }

    public static RetryPolicy none() {
        return new RetryPolicy(1, Duration.ZERO, Duration.ZERO);
    }

    public <T> T run(Supplier<T> call) {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.get();
            } catch (PveException e) {
                if (!e.retryable() || attempt >= attempts) {
                    throw e;
                }
                sleep(delay(attempt));
            }
        }
    }

    /** Upper bound doubles per attempt up to {@code maxDelay}; the actual wait is random below it. */
    public Duration delay(int attempt) {
        long cap = Math.min(maxDelay.toMillis(), baseDelay.toMillis() * (1L << Math.min(attempt - 1, 20)));
        if (cap <= 0) {
            return Duration.ZERO;
        }
        return Duration.ofMillis(cap / 2 + ThreadLocalRandom.current().nextLong(cap / 2 + 1));
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while backing off a Proxmox call", e);
        }
    }
}
