package dev.fleetplane.cli;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Keeps {@code up}'s services running: a service that exits on its own is started again after a backoff (1 s,
 * doubling to 30 s), and every restart is printed and counted; a restarted one that is not ready within 180 s is
 * killed and counts as a crash. A service that crashes {@value #CRASH_LIMIT} times
 * within {@link #CRASH_WINDOW} is given up on: {@code giveUp} gets it, with its last log lines, to stop the stack.
 */
final class Supervisor implements AutoCloseable {

    static final int CRASH_LIMIT = 5;
    static final Duration CRASH_WINDOW = Duration.ofMinutes(1);
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final PrintStream out;
    private final Consumer<ServiceProcess> giveUp;
    private final Clock clock;
    private final Duration readyTimeout;
    private final Map<String, AtomicInteger> restarts = new ConcurrentHashMap<>();
    private final List<Thread> watchers;
    private volatile boolean stopping;

    Supervisor(List<ServiceProcess> services, PrintStream out, Consumer<ServiceProcess> giveUp, Clock clock) {
        this(services, out, giveUp, clock, Duration.ofSeconds(180));
    }

    /** {@code readyTimeout}: how long a restarted service may take to be ready before it is killed and counted. */
    Supervisor(List<ServiceProcess> services, PrintStream out, Consumer<ServiceProcess> giveUp, Clock clock,
               Duration readyTimeout) {
        this.readyTimeout = readyTimeout;
        this.out = out;
        this.giveUp = giveUp;
        this.clock = clock;
        services.forEach(s -> restarts.put(s.name, new AtomicInteger()));
        this.watchers = services.stream().map(s -> {
            Thread t = new Thread(() -> watch(s), "fleetplane-supervise-" + s.name);
            t.setDaemon(true);
            return t;
        }).toList();
        watchers.forEach(Thread::start);
    }

    /** How often each service was started again, by name. */
    Map<String, Integer> restarts() {
        Map<String, Integer> m = new java.util.TreeMap<>();
        restarts.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    private void watch(ServiceProcess service) {
        CrashWindow crashes = new CrashWindow(CRASH_LIMIT, CRASH_WINDOW);
        while (!stopping && !service.closed()) {
            int exit;
            try {
                exit = service.process().waitFor();
            } catch (InterruptedException e) {
                return;
            }
            if (stopping || service.closed()) {
                return;
            }
            int crash = crashes.record(clock.instant());
            if (crashes.exceeded()) {
                out.println("fleetplane: " + service.name + " exited with status " + exit + ", its " + crash
                        + " crashes within " + CRASH_WINDOW.toSeconds() + " s: giving up");
                out.flush();
                giveUp.accept(service);
                return;
            }
            Duration backoff = backoff(crash);
            int n = restarts.get(service.name).incrementAndGet();
            out.println("fleetplane: " + service.name + " exited with status " + exit + "; restarting in "
                    + backoff.toSeconds() + " s (restart " + n + "; log " + service.log + ")");
            out.flush();
            try {
                Thread.sleep(backoff.toMillis());
                if (stopping) {
                    return;
                }
                service.restart();
                service.awaitReady(readyTimeout);
                out.println("fleetplane: " + service.name + " is ready again (restart " + n + ")");
                out.flush();
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                // It died again while starting, or hangs without ever being ready (the fault matrix saw a restarted
                // JVM hang for good): killed, so that the loop sees the exit, counts the crash and starts it again.
                out.println("fleetplane: " + service.name + " did not come back: " + firstLine(e.getMessage()));
                out.flush();
                service.process().destroyForcibly();
            }
        }
    }

    /** 1 s after the first crash in the window, doubling up to 30 s. */
    static Duration backoff(int crashInWindow) {
        long seconds = FIRST_BACKOFF.toSeconds() << Math.min(Math.max(crashInWindow - 1, 0), 5);
        return Duration.ofSeconds(Math.min(seconds, MAX_BACKOFF.toSeconds()));
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }

    /** Stops watching (before the stack closes its services on purpose). */
    @Override
    public void close() {
        stopping = true;
        watchers.forEach(Thread::interrupt);
    }

    /** The crashes of the last {@code window}: how many, and whether there were {@code limit} of them. */
    static final class CrashWindow {
        private final int limit;
        private final Duration window;
        private final Deque<Instant> times = new ArrayDeque<>();

        CrashWindow(int limit, Duration window) {
            this.limit = limit;
            this.window = window;
        }

        /** Records a crash at {@code now}; returns how many fall within the window, this one included. */
        int record(Instant now) {
            times.addLast(now);
            while (!times.isEmpty() && times.peekFirst().isBefore(now.minus(window))) {
                times.removeFirst();
            }
            return times.size();
        }

        boolean exceeded() {
            return times.size() >= limit;
        }
    }
}
