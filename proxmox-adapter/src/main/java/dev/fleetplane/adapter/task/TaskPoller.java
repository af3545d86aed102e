package dev.fleetplane.adapter.task;

import dev.fleetplane.adapter.commands.Outcome;
import dev.fleetplane.adapter.commands.TaskFollower;
import dev.fleetplane.adapter.config.AdapterConfig;
import dev.fleetplane.messaging.Database;
import dev.fleetplane.messaging.FleetMetrics;
import dev.fleetplane.messaging.StoryContext;
import dev.fleetplane.messaging.WorkLoop;
import dev.fleetplane.proxmox.client.ProxmoxClient;
import dev.fleetplane.proxmox.client.PveException;
import dev.fleetplane.proxmox.client.PveException.Failure;
import dev.fleetplane.proxmox.client.TaskStatus;
import dev.fleetplane.proxmox.client.TaskWatch;
import dev.fleetplane.proxmox.client.Upid;
import dev.fleetplane.proxmox.client.VmStatus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Follows the Proxmox tasks stored in {@code pve_task} on its own thread (never the Kafka thread): when
 * one stops, deletes its row and writes, in one transaction, what its operation's {@link TaskCompletion} says the end
 * means ({@code VmCloned}, {@code VmStarted}, … or {@code PveOperationFailed}). Rows not started yet are handed to
 * the {@link TaskDispatch} that queued them. Rows survive restarts, so polling resumes where it was. A finished row
 * of an unknown operation is an error, never answered with a guess.
 */
@ApplicationScoped
public class TaskPoller implements TaskFollower {

    private static final Logger LOG = Logger.getLogger(TaskPoller.class);
    private static final int BATCH = 50;

    @Inject
    ProxmoxClient pve;

    @Inject
    TaskDispatch dispatch;

    @Inject
    TaskCompletions completions;

    @Inject
    Database database;

    @Inject
    PendingTasks tasks;

    @Inject
    AdapterConfig config;

    @Inject
    FleetMetrics metrics;

    private final WorkLoop loop = new WorkLoop("pve-task-poller", this::round);

    void start(@Observes StartupEvent ignored) {
        int stored = database.read(tasks::count);
        if (stored > 0) {
            LOG.infof("resuming %d stored Proxmox task(s)", stored);
        }
        loop.start();
    }

    void stop(@Observes ShutdownEvent ignored) {
        loop.stop(Duration.ofSeconds(5));
    }

    /** Polls at once instead of after the interval (a task was just stored). */
    @Override
    public void wake() {
        loop.wake();
    }

    /** Another round at once while rounds make progress, else after the poll interval. */
    private Duration round() {
        int progress = 0;
        try {
            progress = pollOnce();
        } catch (RuntimeException e) {
            LOG.warnf("task polling round failed, next round in %s: %s", config.tasks().pollInterval(), e.toString());
        }
        return progress == 0 ? config.tasks().pollInterval() : Duration.ZERO;
    }

    /** One round over the stored tasks; returns how many got an answer or were dispatched. */
    int pollOnce() {
        List<PendingTask> due = database.read(c -> tasks.due(c, BATCH, config.tasks().pollInterval()));
        int answered = 0;
        for (PendingTask t : due) {
            if (!loop.running()) {
                break;
            }
            try (StoryContext.Scope story = StoryContext.forCommand(t.host(), t.correlationId(), t.commandEventId())
                    .open()) {
                try {
                    answered += step(t) ? 1 : 0;
                } catch (RuntimeException e) {
                    LOG.warnf("polling %s %s failed%s: %s", t.operation(), t.vmid(),
                            t.upid() == null ? "" : " (" + t.upid() + ")", e.toString());
                }
            }
        }
        return answered;
    }

    private boolean step(PendingTask t) {
        if (dispatch.dispatches(t.operation())) {
            return dispatch.advance(t);
        }
        if (t.upid() == null) {
            return awaitUnlock(t);
        }
        Upid upid = Upid.parse(t.upid());
        TaskStatus status;
        try {
            status = pve.taskStatus(upid);
        } catch (PveException e) {
            // Just after dispatch a task may be invisible (400 no such task); 5xx/59x are hiccups: ask again later.
            if (e.failure() == Failure.NOT_FOUND || e.retryable()) {
                return waitOrTimeOut(t, upid);
            }
            return fail(t, e);
        }
        List<String> tail = status.running() || status.succeeded() ? List.of() : logTail(upid);
        TaskVerdict verdict = TaskVerdict.of(t, status, tail, Instant.now(), e -> completions.of(t).failureMeansDone(e));
        if (verdict instanceof TaskVerdict.Wait) {
            database.read(c -> {
                tasks.markPolled(c, t.id());
                return null;
            });
            return false;
        }
        if (verdict instanceof TaskVerdict.Failed f) {
            LOG.warnf("%s failed: %s (%s)", what(t), f.failure().getMessage(), upid);
            return fail(t, f.failure());
        }
        LOG.infof("%s finished: %s (%s)", what(t), status.exitStatus(), upid);
        return finish(t, succeeded(t), "ok");
    }

    /**
     * A row without a UPID, e.g. a clone whose answer was lost: done once Proxmox no longer shows a lock on the VM, or
     * once the VM is gone when its completion says so (a destroy that was already running when the command came).
     */
    private boolean awaitUnlock(PendingTask t) {
        boolean untilGone = completions.of(t).doneWhenGone();
        VmStatus status;
        try {
            status = pve.status(t.node(), t.vmid());
        } catch (PveException e) {
            if (e.failure() == Failure.NOT_FOUND) {
                return untilGone ? finish(t, succeeded(t), "ok") : fail(t, e);
            }
            if (e.retryable()) {
                return waitOrTimeOut(t, null);
            }
            return fail(t, e);
        }
        if (status.lock() != null || untilGone) {
            return waitOrTimeOut(t, null);
        }
        return finish(t, succeeded(t), "ok");
    }

    private boolean waitOrTimeOut(PendingTask t, Upid upid) {
        if (Instant.now().isAfter(t.deadline())) {
            Duration age = Duration.between(t.createdAt(), Instant.now());
            PveException timeout = upid != null ? TaskWatch.timeout(upid, t.operation(), age)
                    : PveException.of(Failure.TIMEOUT, t.operation(), "VM " + t.vmid() + " on node " + t.node()
                    + " still locked " + age.toSeconds() + " s after " + t.operation());
            return fail(t, timeout);
        }
        database.read(c -> {
            tasks.markPolled(c, t.id());
            return null;
        });
        return false;
    }

    /** The row's task for a log line: a create names what it creates; an upload has no VM, only a node. */
    private static String what(PendingTask t) {
        String kind = t.details().getOrDefault("kind", t.operation());
        return t.vmid() == 0 ? kind + " on node " + t.node() : kind + " of VM " + t.vmid();
    }

    private Outcome succeeded(PendingTask t) {
        return completions.of(t).succeeded(t);
    }

    private boolean fail(PendingTask t, PveException e) {
        return finish(t, completions.of(t).failed(t, e), e.failure() == null ? "error" : e.failure().code());
    }

    /** Answers the task's command once (another replica may have taken the row) and times the task. */
    private boolean finish(PendingTask t, Outcome outcome, String result) {
        boolean answered = database.inTransaction(c -> {
            if (!tasks.take(c, t.id())) {
                return false;
            }
            outcome.write(c);
            return true;
        });
        if (answered) {
            metrics.pveTask(t.operation(), result, Duration.between(t.createdAt(), Instant.now()));
        }
        return answered;
    }

    private List<String> logTail(Upid upid) {
        try {
            return pve.taskLogTail(upid, TaskWatch.LOG_TAIL);
        } catch (PveException e) {
            return List.of("(task log unavailable: " + e.getMessage() + ")");
        }
    }
}
