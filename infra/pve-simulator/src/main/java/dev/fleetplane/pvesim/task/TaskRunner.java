package dev.fleetplane.pvesim.task;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs the simulator's "forked workers": each task takes its configured duration (the work the real node would do)
 * and then applies its effect. A zero duration runs the worker inline, so the task has ended before its UPID is
 * returned and tests need not poll.
 */
public final class TaskRunner implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(TaskRunner.class.getName());

    /** The worker body; throwing {@link TaskFailure} (or anything) ends the task with that error text. */
    @FunctionalInterface
    public interface Work {
        /** @return the number of warnings (0 for a clean {@code TASK OK}) */
        int run(Task task) throws Exception;
    }

    private final Map<String, Task> tasks = new ConcurrentHashMap<>();
    private final Duration defaultDuration;
    private final Map<String, Duration> durations;
    private final ExecutorService workers;
    // pids and pstart are fake but must be plausible and make every UPID unique
    private final AtomicLong nextPid = new AtomicLong(0x1000 + (ProcessHandle.current().pid() & 0xFFFF));
    private final long bootMillis = System.currentTimeMillis() - 3_600_000L;
    private volatile boolean closed;
    // Fault switch: the error a task of a type must end with instead of running (null: run it).
    private volatile java.util.function.Function<String, String> injectedFailure = type -> null;

    public TaskRunner(Duration defaultDuration, Map<String, Duration> durations) {
        this.defaultDuration = defaultDuration;
        this.durations = Map.copyOf(durations);
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "pvesim-task-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Lets a fault switch fail chosen tasks ({@code type -> error text}, null to run the task normally). */
    public void injectFailures(java.util.function.Function<String, String> failure) {
        this.injectedFailure = java.util.Objects.requireNonNull(failure, "failure");
    }

    public Duration durationOf(String type) {
        return durations.getOrDefault(type, defaultDuration);
    }

    /** Creates the task, then runs {@code work} after the type's duration (inline when zero). */
    public Task submit(String node, String type, String id, String user, Work work) {
        return submit(node, type, id, user, durationOf(type), work);
    }

    /** As {@link #submit(String, String, String, String, Work)}, running for {@code duration} (a task that waits). */
    public Task submit(String node, String type, String id, String user, Duration duration, Work work) {
        return submit(node, type, id, user, duration, work, t -> { });
    }

    /**
     * As {@link #submit(String, String, String, String, Work)}, with the cleanup a dying worker does (qemu-server's
     * {@code eval { … }; if ($@) { cleanup; die }}): it runs before the task is marked failed, whether the work
     * threw or a fault switch failed the task, so a client that sees the task stopped sees the cleaned state.
     */
    public Task submit(String node, String type, String id, String user, Work work, java.util.function.Consumer<Task> onFailure) {
        return submit(node, type, id, user, durationOf(type), work, onFailure);
    }

    private Task submit(String node, String type, String id, String user, Duration duration, Work work,
                        java.util.function.Consumer<Task> onFailure) {
        long now = System.currentTimeMillis();
        long pstart = (now - bootMillis) / 10; // clock ticks (USER_HZ 100) since "boot"
        Upid upid = new Upid(node, nextPid.getAndIncrement() & 0xFFFFFFFFL, pstart, now / 1000, type, id, user);
        Task task = new Task(upid);
        tasks.put(upid.encode(), task);
        if (duration.isZero() || duration.isNegative()) {
            execute(task, work, onFailure);
        } else {
            workers.execute(() -> {
                try {
                    Thread.sleep(duration.toMillis());
                } catch (InterruptedException e) {
                    task.finishError("interrupted by signal");
                    return;
                }
                execute(task, work, onFailure);
            });
        }
        return task;
    }

    private void execute(Task task, Work work, java.util.function.Consumer<Task> onFailure) {
        if (closed) {
            task.finishError("interrupted by signal");
            return;
        }
        String injected = injectedFailure.apply(task.upid().type());
        if (injected != null) {
            fail(task, injected, onFailure);
            return;
        }
        try {
            int warnings = work.run(task);
            task.finishOk(warnings);
        } catch (TaskFailure e) {
            fail(task, e.getMessage(), onFailure);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(task, "interrupted by signal", onFailure);
        } catch (Exception e) {
            LOG.log(Level.WARNING, "task " + task.upid() + " crashed", e);
            fail(task, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), onFailure);
        }
    }

    private static void fail(Task task, String error, java.util.function.Consumer<Task> onFailure) {
        try {
            onFailure.accept(task);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "cleanup of failed task " + task.upid() + " failed", e);
        }
        task.finishError(error);
    }

    public Optional<Task> find(String upid) {
        return Optional.ofNullable(tasks.get(upid));
    }

    /**
     * Interrupts the running workers and waits a few seconds for them to end, so none changes a VM or boots a guest
     * after the simulator has stopped its guests.
     */
    @Override
    public void close() {
        closed = true;
        workers.shutdownNow();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
