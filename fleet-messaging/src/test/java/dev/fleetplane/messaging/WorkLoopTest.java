package dev.fleetplane.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
        WorkLoop loop = new WorkLoop("test-loop", () -> {
            if (count.incrementAndGet() == 10) {
                tenth.release();
            }
            return count.get() < 10 ? Duration.ZERO : Duration.ofHours(1);
        });
        loop.start();
        assertTrue(tenth.tryAcquire(5, TimeUnit.SECONDS), "ten rounds back to back");
        loop.stop(Duration.ofSeconds(5));
        assertFalse(loop.running());
        int after = count.get();
        Thread.sleep(100);
        assertEquals(after, count.get(), "no round after stop");
    }
}
