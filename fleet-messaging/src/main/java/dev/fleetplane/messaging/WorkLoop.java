package dev.fleetplane.messaging;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * A background thread that runs rounds of work: again at once when a round asks for it or someone
 * {@link #wake()}s it (a commit, a stored task), otherwise after the pause the round returns. The outbox
 * relay and the adapter's task poller are both such loops.
 */
public final class WorkLoop {

    private final String name;
    private final Supplier<Duration> round;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wakeUp = lock.newCondition();
    private boolean woken;
    private volatile boolean running;
    private Thread thread;

    /** {@code round} does one round and returns how long to pause before the next ({@link Duration#ZERO}: none). */
    public WorkLoop(String name, Supplier<Duration> round) {
        this.name = name;
        this.round = round;
    }

    public synchronized void start() {
        if (thread != null) {
            return;
        }
        running = true;
        thread = new Thread(this::loop, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Whether the loop has not been asked to stop: a long round checks it between items. */
    public boolean running() {
        return running;
    }

    /** Ends the pause now, or makes the next pause end at once if a round is under way. */
    public void wake() {
        lock.lock();
        try {
            woken = true;
            wakeUp.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Stops after the current round, waiting up to {@code grace} for it. */
    public void stop(Duration grace) {
        Thread t;
        synchronized (this) {
            running = false;
            t = thread;
            thread = null;
        }
        wake();
        if (t != null) {
            try {
                t.join(grace.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void loop() {
        while (running) {
            Duration pause = round.get();
            if (!pause.isZero() && !pause.isNegative()) {
                pause(pause);
            }
        }
    }

    private void pause(Duration pause) {
        lock.lock();
        try {
            if (!woken && running) {
                wakeUp.await(pause.toMillis(), TimeUnit.MILLISECONDS);
            }
            woken = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        } finally {
            lock.unlock();
        }
    }
}
