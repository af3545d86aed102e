package dev.fleetplane.messaging;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class WorkLoopTest {

    @Test
    void aWake_endsTheIdlePause_soWorkIsPickedUpAtOnce() throws Exception {
        Semaphore rounds = new Semaphore(0);
        WorkLoop loop = new WorkLoop("test-loop", () -> {
            rounds.release();
            return Duration.ofHours(1);
        });
        loop.start();
        try {
            assertTrue(rounds.tryAcquire(5, TimeUnit.SECONDS), "first round");
            assertFalse(rounds.tryAcquire(200, TimeUnit.MILLISECONDS), "an idle loop pauses");
            loop.wake();
            assertTrue(rounds.tryAcquire(5, TimeUnit.SECONDS), "woken long before the hour");
        } finally {
            loop.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void aRoundThatAsksForMore_runsAgainWithoutPause_andStopEndsTheLoop() throws Exception {
        AtomicInteger count = new AtomicInteger();
        Semaphore tenth = new Semaphore(0);
        AtomicReference<Thread> runner = new AtomicReference<>();
        WorkLoop loop = new WorkLoop("test-loop", () -> {
            runner.set(Thread.currentThread());
            if (count.incrementAndGet() == 10) {
                tenth.release();
            }
            return count.get() < 10 ? Duration.ZERO : Duration.ofHours(1);
        });
        loop.start();
        assertTrue(tenth.tryAcquire(5, TimeUnit.SECONDS), "ten rounds back to back");
        loop.stop(Duration.ofSeconds(5));
        assertFalse(loop.running());
        // No round after stop: the thread that ran the rounds has ended, so none can follow (no waiting needed).
        assertFalse(runner.get().isAlive(), "the loop's thread ended within the grace");
    }
}
