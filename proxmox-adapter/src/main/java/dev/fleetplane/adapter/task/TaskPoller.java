package dev.fleetplane.adapter.task;

import dev.fleetplane.adapter.commands.Command;
import dev.fleetplane.adapter.commands.OperationFailures;
import dev.fleetplane.adapter.commands.Outcome;
import dev.fleetplane.adapter.commands.Replies;
import dev.fleetplane.adapter.clone.CloneDispatcher;
import dev.fleetplane.adapter.clone.CloneQueue;
import dev.fleetplane.adapter.clone.VmOwnership;
import dev.fleetplane.adapter.config.AdapterConfig;
import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.adapter.configure.ConfigureHandler;
import dev.fleetplane.adapter.destroy.DestroyHandler;
import dev.fleetplane.adapter.disk.ResizeHandler;
import dev.fleetplane.adapter.inventory.ConfigCache;
import dev.fleetplane.adapter.power.RebootHandler;
import dev.fleetplane.adapter.power.StartHandler;
import dev.fleetplane.adapter.power.StopHandler;
import dev.fleetplane.adapter.restore.RestoreHandler;
import dev.fleetplane.adapter.template.TemplateHandler;
import dev.fleetplane.adapter.vmid.VmidLeases;
import dev.fleetplane.events.pve.VmCloned;
import dev.fleetplane.events.pve.VmRestored;
import dev.fleetplane.events.pve.VmTemplated;
import dev.fleetplane.events.pve.VmConfigured;
import dev.fleetplane.events.pve.VmDestroyed;
import dev.fleetplane.events.pve.VmRebooted;
import dev.fleetplane.events.pve.VmResized;
import dev.fleetplane.events.pve.VmStarted;
import dev.fleetplane.events.pve.VmStopped;
import dev.fleetplane.proxmox.client.RetryPolicy;
import dev.fleetplane.messaging.Database;
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
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Follows the Proxmox tasks stored in {@code pve_task} on its own thread (never the Kafka thread): when
 * one stops, deletes its row and writes the answer ({@code VmCloned}, {@code VmStarted}, {@code VmRebooted}, … or
 * {@code PveOperationFailed}) in one transaction. Rows survive restarts, so polling resumes where it was. A finished
 * row of an unknown operation is an error, never answered with a guess.
 */
@ApplicationScoped
public class TaskPoller {

    private static final Logger LOG = Logger.getLogger(TaskPoller.class);
    private static final int BATCH = 50;

    @Inject
    dev.fleetplane.adapter.task.Timeouts timeouts;

    @Inject
    ProxmoxClient pve;

    @Inject
    CloneDispatcher cloneDispatcher;

    @Inject
    Database database;

    @Inject
    PendingTasks tasks;

    @Inject
    VmOwnership ownership;

    @Inject
    Replies replies;

    @Inject
    AdapterConfig config;

    @Inject
    ConfigCache configCache;

    @Inject
    RetryPolicy retry;

    @Inject
    VmidLeases leases;

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
                answered += step(t) ? 1 : 0;
            } catch (RuntimeException e) {
                LOG.warnf("polling %s %s failed (%s): %s", t.operation(), t.vmid(), t.logContext(), e.toString());
            }
        }
        return answered;
    }

    private boolean step(PendingTask t) {
        if (t.operation().equals(CloneQueue.QUEUED)) {
            return cloneDispatcher.dispatch(t);
        }
        if (t.operation().equals(CloneQueue.DISPATCHING)) {
            cloneDispatcher.recover(t);
            return true;
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
        TaskVerdict verdict = TaskVerdict.of(t, status, tail, Instant.now());
        if (verdict instanceof TaskVerdict.Wait) {
            database.read(c -> {
                tasks.markPolled(c, t.id());
                return null;
            });
            return false;
        }
        if (verdict instanceof TaskVerdict.Failed f) {
            LOG.warnf("%s of VM %d failed: %s (%s)", t.operation(), t.vmid(), f.failure().getMessage(), t.logContext());
            return fail(t, f.failure());
        }
        LOG.infof("%s of VM %d finished: %s (%s)", t.operation(), t.vmid(), status.exitStatus(), t.logContext());
        return finish(t, succeeded(t));
    }

    /**
     * A clone whose UPID was lost: done once Proxmox no longer shows a lock on the VM. A destroy that was already
     * running when the command came: done once the VM is gone.
     */
    private boolean awaitUnlock(PendingTask t) {
        VmStatus status;
        try {
            status = pve.status(t.node(), t.vmid());
        } catch (PveException e) {
            if (e.failure() == Failure.NOT_FOUND) {
                return t.operation().equals(DestroyHandler.OPERATION) ? finish(t, succeeded(t)) : fail(t, e);
            }
            if (e.retryable()) {
                return waitOrTimeOut(t, null);
            }
            return fail(t, e);
        }
        if (status.lock() != null || t.operation().equals(DestroyHandler.OPERATION)) {
            return waitOrTimeOut(t, null);
        }
        return finish(t, succeeded(t));
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

    private Outcome succeeded(PendingTask t) {
        Command command = t.command();
        Map<String, String> d = t.details();
        return switch (t.operation()) {
            case "clone" -> {
                if (RestoreHandler.KIND.equals(d.get("kind"))) {
                    var restored = new VmRestored(t.node(), t.vmid(), d.getOrDefault("archive", ""), t.upid());
                    yield c -> {
                        leases.releaseAll(c, t.commandEventId()); // the VM holds its VMID itself now
                        replies.append(c, command, EventCatalog.VM_RESTORED, restored);
                    };
                }
                var done = new VmCloned(t.node(), t.vmid(), d.getOrDefault("name", ""),
                        Integer.parseInt(d.getOrDefault("templateVmid", "0")), t.upid());
                yield c -> replies.append(c, command, EventCatalog.VM_CLONED, done);
            }
            case ResizeHandler.OPERATION -> c -> {
                configCache.forget(c, t.vmid());
                replies.append(c, command, EventCatalog.VM_RESIZED,
                        new VmResized(t.node(), t.vmid(), d.get("disk"), d.get("size"), t.upid()));
            };
            case StopHandler.SHUTDOWN -> c -> replies.append(c, command, EventCatalog.VM_STOPPED,
                    new VmStopped(t.node(), t.vmid(), true, t.upid()));
            case StopHandler.STOP -> c -> replies.append(c, command, EventCatalog.VM_STOPPED,
                    new VmStopped(t.node(), t.vmid(), false, t.upid()));
            case RebootHandler.OPERATION -> c -> replies.append(c, command, EventCatalog.VM_REBOOTED,
                    new VmRebooted(t.node(), t.vmid(), t.upid()));
            case DestroyHandler.OPERATION -> c -> {
                ownership.markDestroyed(c, t.vmid());
                configCache.forget(c, t.vmid());
                replies.append(c, command, EventCatalog.VM_DESTROYED, new VmDestroyed(t.node(), t.vmid(), t.upid()));
            };
            case TemplateHandler.OPERATION -> c -> {
                configCache.forget(c, t.vmid());
                replies.append(c, command, EventCatalog.VM_TEMPLATED, new VmTemplated(t.node(), t.vmid(), t.upid()));
            };
            case ConfigureHandler.OPERATION -> c -> {
                configCache.forget(c, t.vmid());
                replies.append(c, command, EventCatalog.VM_CONFIGURED, new VmConfigured(t.node(), t.vmid(),
                        List.of(d.getOrDefault("keys", "").split(","))));
            };
            case StartHandler.OPERATION -> c -> replies.append(c, command, EventCatalog.VM_STARTED,
                    new VmStarted(t.node(), t.vmid(), t.upid()));
            // A row no handler of this adapter wrote (another version's?): its answer is unknown, so none is invented;
            // the row stays for an adapter that knows it, and every round says so.
            default -> throw new IllegalStateException("no answer known for a finished task of operation '"
                    + t.operation() + "' (VM " + t.vmid() + ", " + t.logContext() + ")");
        };
    }

    /**
     * Answers a failed task, except a graceful shutdown that failed or outlived its time: then the VM is stopped hard
     * and the stop task takes the row's place (same command, so the answer is still {@code VmStopped}).
     */
    private boolean fail(PendingTask t, PveException e) {
        if (!t.operation().equals(StopHandler.SHUTDOWN)) {
            return finish(t, failed(t, e));
        }
        LOG.infof("graceful shutdown of VM %d did not finish (%s); stopping it hard (%s)", t.vmid(), e.getMessage(),
                t.logContext());
        Upid stop;
        try {
            stop = retry.run(() -> pve.stop(t.node(), t.vmid()));
        } catch (PveException s) {
            LOG.warnf("hard stop of VM %d failed too (%s): %s", t.vmid(), t.logContext(), s.getMessage());
            return finish(t, failed(t, s));
        }
        PendingTask hard = new PendingTask(0, stop.value(), t.node(), t.vmid(), StopHandler.STOP, t.commandEventId(),
                t.commandType(), t.host(), t.kafkaKey(), t.correlationId(), Map.of("after", "shutdown failed"),
                Instant.now().plus(timeouts.stop(t.host())), Instant.now());
        database.inTransaction(c -> {
            if (tasks.take(c, t.id())) {
                tasks.insert(c, hard);
            }
            return null;
        });
        wake();
        return false;
    }

    private Outcome failed(PendingTask t, PveException e) {
        Command command = t.command();
        return c -> {
            boolean restore = RestoreHandler.KIND.equals(t.details().get("kind"));
            if (t.operation().equals("clone") && !restore && e.failure() != Failure.TIMEOUT) {
                // Proxmox removes a failed clone's config; the VMID is free again.
                ownership.release(c, t.vmid(), t.commandEventId());
            }
            // A failed restore leaves its config and disks ("VM … state is NOT cleaned up"): the VM stays ours, so a
            // DestroyVm may remove it; the reservation is not needed any more either way.
            if (restore) {
                leases.releaseAll(c, t.commandEventId());
            }
            String operation = restore ? RestoreHandler.OPERATION : t.operation();
            replies.append(c, command, EventCatalog.PVE_OPERATION_FAILED,
                    OperationFailures.of(operation, t.node(), t.vmid(), e));
        };
    }

    private boolean finish(PendingTask t, Outcome outcome) {
        return database.inTransaction(c -> {
            if (!tasks.take(c, t.id())) {
                return false;
            }
            outcome.write(c);
            return true;
        });
    }

    private List<String> logTail(Upid upid) {
        try {
            return pve.taskLogTail(upid, TaskWatch.LOG_TAIL);
        } catch (PveException e) {
            return List.of("(task log unavailable: " + e.getMessage() + ")");
        }
    }
}
