package dev.fleetplane.adapter.handling;

import dev.fleetplane.adapter.commands.Checks;
import dev.fleetplane.adapter.commands.Command;
import dev.fleetplane.adapter.commands.OperationFailures;
import dev.fleetplane.adapter.commands.Outcome;
import dev.fleetplane.adapter.commands.Replies;
import dev.fleetplane.adapter.task.PendingTask;
import dev.fleetplane.adapter.task.PendingTasks;
import dev.fleetplane.adapter.task.Timeouts;
import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.EventKind;
import dev.fleetplane.proxmox.client.ProxmoxClient;
import dev.fleetplane.proxmox.client.PveException;
import dev.fleetplane.proxmox.client.RetryPolicy;
import dev.fleetplane.proxmox.client.Upid;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What every VM command's handler does the same way, so that a handler states only what is special to its command:
 * the fields are checked before any call (refused {@code invalid-parameter}, naming each), Proxmox calls are retried on
 * lock contention and transient trouble, a typed Proxmox failure is answered {@code PveOperationFailed}, and a task
 * Proxmox started is stored for the poller with the host's deadline.
 */
@ApplicationScoped
public class CommandFlow {

    @Inject
    ProxmoxClient pve;

    @Inject
    RetryPolicy retry;

    @Inject
    Replies replies;

    @Inject
    PendingTasks tasks;

    @Inject
    Timeouts timeouts;

    /**
     * Refuses the command when {@code checks} found a bad field, else runs {@code work} (the Proxmox calls, outside any
     * transaction); a {@link PveException} out of it is the command's failure.
     */
    public Outcome run(Command command, String operation, String node, int vmid, Checks checks, Supplier<Outcome> work) {
        if (!checks.ok()) {
            return replies.refusal(command, operation, node, vmid, "invalid-parameter", checks.message());
        }
        try {
            return work.get();
        } catch (PveException e) {
            return replies.failed(command, operation, node, vmid, e);
        }
    }

    /** One Proxmox request, retried on lock contention and transient trouble. */
    public <T> T call(Function<ProxmoxClient, T> request) {
        return retry.run(() -> request.apply(pve));
    }

    /** The client itself, for a request that must not be retried here (the caller asks again instead). */
    public ProxmoxClient pve() {
        return pve;
    }

    public Timeouts timeouts() {
        return timeouts;
    }

    public <T> Outcome answer(Command command, EventKind<T> kind, T payload) {
        return replies.answer(command, kind, payload);
    }

    /** A refusal fleetplane decides itself (not owned, running, ...): {@code PveOperationFailed}, not retryable. */
    public Outcome refuse(Command command, String operation, String node, int vmid, String failure, String message) {
        return replies.refusal(command, operation, node, vmid, failure, message);
    }

    public Outcome failed(Command command, String operation, String node, int vmid, PveException e) {
        return replies.failed(command, operation, node, vmid, e);
    }

    /**
     * The task {@code upid} (null: none to poll, only the VM's lock to see cleared) is left to the poller: its row,
     * written with the command's outcome; the poller answers through the operation's completion.
     */
    public Outcome follow(Command command, Upid upid, String node, int vmid, String operation, Map<String, String> details,
                          Instant deadline) {
        return follow(PendingTask.forCommand(command, upid == null ? null : upid.value(), node, vmid, operation, details,
                deadline));
    }

    public Outcome follow(PendingTask task) {
        return c -> tasks.insert(c, task);
    }

    /** The usual answer to a failed task: {@code PveOperationFailed} of its operation (the poller has logged it). */
    public Outcome taskFailed(PendingTask task, PveException e) {
        return c -> replies.append(c, task.command(), EventCatalog.PVE_OPERATION_FAILED,
                OperationFailures.of(task.operation(), task.node(), task.vmid(), e));
    }
}
