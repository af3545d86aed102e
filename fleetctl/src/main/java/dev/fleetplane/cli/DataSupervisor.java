package dev.fleetplane.cli;

import dev.fleetplane.localstack.LocalStack;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keeps {@code up}'s own Kafka broker and PostgreSQL running: each is checked every {@link #TICK}, and one that died
 * (SIGKILL, OOM kill) is started again on its data directory and ports ({@link LocalStack#restartKafka},
 * {@link LocalStack#restartPostgres}); every restart is printed and counted, as {@link Supervisor} does for the
 * services, which reconnect by themselves. External ones ({@code --kafka}/{@code --jdbc}) are not {@code up}'s.
 */
final class DataSupervisor implements AutoCloseable {

    static final Duration TICK = Duration.ofSeconds(1);

    private final LocalStack stack;
    private final PrintStream out;
    private final AtomicInteger kafka = new AtomicInteger();
    private final AtomicInteger postgres = new AtomicInteger();
    private final Thread watcher;
    private volatile boolean stopping;

    DataSupervisor(LocalStack stack, PrintStream out) {
        this.stack = stack;
        this.out = out;
        this.watcher = new Thread(this::watch, "fleetplane-supervise-data");
        watcher.setDaemon(true);
        watcher.start();
    }

    private void watch() {
        while (!stopping) {
            try {
                Thread.sleep(TICK.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            check("kafka", stack::kafkaAlive, stack::restartKafka, kafka);
            check("postgres", stack::postgresAlive, stack::restartPostgres, postgres);
        }
    }

    private void check(String name, java.util.function.BooleanSupplier alive, Runnable restart, AtomicInteger count) {
        if (stopping || alive.getAsBoolean()) {
            return;
        }
        int n = count.incrementAndGet();
        out.println("fleetplane: " + name + " exited; restarting it on its data directory (restart " + n + ")");
        out.flush();
        try {
            restart.run();
            if (!stopping) {
                out.println("fleetplane: " + name + " is ready again (restart " + n + ")");
            }
        } catch (RuntimeException e) {
            // The next tick tries again.
            out.println("fleetplane: " + name + " did not come back: " + e.getMessage().lines().findFirst().orElse(""));
        }
        out.flush();
    }

    /** How often each was started again. */
    Map<String, Integer> restarts() {
        Map<String, Integer> m = new TreeMap<>();
        m.put("kafka", kafka.get());
        m.put("postgres", postgres.get());
        return m;
    }

    /** Stops watching (before the stack closes Kafka and PostgreSQL on purpose). */
    @Override
    public void close() {
        stopping = true;
        watcher.interrupt();
    }
}
