package dev.fleetplane.planner.lifecycle;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a failed Proxmox step is sent again, and after how long. Pure, so the policy is unit-tested without Kafka or
 * SQL; {@link HostAnswers} asks it and {@link StepRetries} sends the step again when the delay has passed.
 *
 * <p>Sent again: a failure that may pass on its own: the adapter marked it retryable (a lock held past Proxmox's
 * timeout, 5xx/59x after the adapter's own retries, a task not finished by its deadline) or a Proxmox task that failed
 * ({@code task-failed}: a clone that ran out of a storage lock, a start that timed out; a failed {@code qmclone}
 * removes its target, so cloning again is safe, and the adapter answers a VM it already cloned without cloning
 * again). Never sent again: what fleetplane or Proxmox refuses on its merits (not owned, invalid parameter, forbidden,
 * not found, already exists) - the same command would be refused the same way.
 *
 * @param attempts   how many times a step is sent at most (1: never again)
 * @param firstDelay the wait before the second attempt; doubled for each further one
 * @param maxDelay   the longest wait between two attempts
 */
public record StepRetry(int attempts, Duration firstDelay, Duration maxDelay) {

    /** The failures that may pass although the adapter does not call them retryable. */
    private static final Set<String> WORTH_ANOTHER_TRY = Set.of("task-failed");

    public StepRetry {
        if (attempts < 1) {
            throw new IllegalArgumentException("fleetplane.planner.apply.step-attempts must be at least 1, got "
                    + attempts);
        }
    }

    /**
     * The wait before sending the step again after attempt {@code attempt} failed with {@code failure}; empty when
     * the step fails for good (not worth another try, or the last attempt).
     */
    public Optional<Duration> after(int attempt, String failure, boolean retryable) {
        if (attempt >= attempts || !(retryable || WORTH_ANOTHER_TRY.contains(failure))) {
            return Optional.empty();
        }
        long first = firstDelay.toMillis();
        long delay = Math.min(maxDelay.toMillis(), first * (1L << Math.min(attempt - 1, 20)));
        return Optional.of(Duration.ofMillis(Math.max(delay, 0)));
    }
}
