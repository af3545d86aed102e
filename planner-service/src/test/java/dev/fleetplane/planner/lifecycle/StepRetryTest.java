package dev.fleetplane.planner.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StepRetryTest {

    private final StepRetry policy = new StepRetry(5, Duration.ofSeconds(2), Duration.ofSeconds(30));

    @Test
    void aFailedTaskOrARetryableFailure_goesAgain_withTheWaitDoubling() {
        assertEquals(Optional.of(Duration.ofSeconds(2)), policy.after(1, "task-failed", false));
        assertEquals(Optional.of(Duration.ofSeconds(4)), policy.after(2, "locked", true));
        assertEquals(Optional.of(Duration.ofSeconds(8)), policy.after(3, "timeout", true));
        assertEquals(Optional.of(Duration.ofSeconds(16)), policy.after(4, "transient", true));
    }

    @Test
    void theWaitStopsGrowingAtTheMaximum() {
        StepRetry many = new StepRetry(100, Duration.ofSeconds(2), Duration.ofSeconds(30));
        assertEquals(Optional.of(Duration.ofSeconds(30)), many.after(5, "task-failed", false));
        assertEquals(Optional.of(Duration.ofSeconds(30)), many.after(99, "task-failed", false));
    }

    @Test
    void theLastAttempt_isFinal() {
        assertTrue(policy.after(5, "task-failed", false).isEmpty());
        assertTrue(new StepRetry(1, Duration.ofSeconds(2), Duration.ofSeconds(30)).after(1, "locked", true).isEmpty(),
                "one attempt never retries");
    }

    @Test
    void aRefusalOnItsMerits_isNeverSentAgain() {
        for (String refusal : new String[] {"already-exists", "invalid-parameter", "forbidden", "unauthorized",
                "not-found", "not-owned", "bad-response", "no-free-vmid"}) {
            assertTrue(policy.after(1, refusal, false).isEmpty(), refusal);
        }
    }

    @Test
    void fewerThanOneAttempt_isRefusedNamingTheSetting() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new StepRetry(0, Duration.ofSeconds(2), Duration.ofSeconds(30)));
        assertTrue(e.getMessage().contains("fleetplane.planner.apply.step-attempts"), e.getMessage());
    }
}
