package dev.fleetplane.adapter.clone;

import dev.fleetplane.adapter.commands.OperationFailures;
import dev.fleetplane.adapter.commands.Replies;
import dev.fleetplane.adapter.config.AdapterConfig;
import dev.fleetplane.adapter.limits.CloneSlots;
import dev.fleetplane.adapter.task.PendingTask;
import dev.fleetplane.adapter.task.PendingTasks;
import dev.fleetplane.adapter.task.Timeouts;
import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.messaging.Database;
import dev.fleetplane.proxmox.client.CloneRequest;
import dev.fleetplane.proxmox.client.ProxmoxClient;
import dev.fleetplane.proxmox.client.PveException;
import dev.fleetplane.proxmox.client.PveException.Failure;
import dev.fleetplane.proxmox.client.RetryPolicy;
import dev.fleetplane.proxmox.client.Upid;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Starts queued clones (task poller thread) when their node and storage have a free slot: one POST per attempt; lock
 * contention and transient trouble put the clone back in the queue with jittered exponential backoff instead of
 * sleeping, so neither the Kafka thread nor the poller waits on a busy Proxmox.
 */
@ApplicationScoped
public class CloneDispatcher {

    private static final Logger LOG = Logger.getLogger(CloneDispatcher.class);
    @Inject
    ProxmoxClient pve;

    @Inject
    RetryPolicy retry;

    @Inject
    Database database;

    @Inject
    CloneQueue queue;

    @Inject
    VmOwnership ownership;

    @Inject
    PendingTasks tasks;

    @Inject
    Replies replies;

    @Inject
    AdapterConfig config;

    @Inject
    Timeouts timeouts;

    /** Tries to start the queued clone {@code t}; true when it was dispatched or answered (progress was made). */
    public boolean dispatch(PendingTask t) {
        Map<String, String> d = t.details();
        String storage = d.getOrDefault("storage", "");
        CloneSlots limits = new CloneSlots(config.limits().clonesPerNode(), config.limits().clonesPerStorage());
        boolean slot = database.inTransaction(c -> queue.tryTakeSlot(c, t.id(), t.node(), storage, limits,
                Instant.now().plus(timeouts.clone(t.host()))));
        if (!slot) {
            database.inTransaction(c -> {
                tasks.markPolled(c, t.id());
                return null;
            });
            return false;
        }
        int templateVmid = Integer.parseInt(d.getOrDefault("templateVmid", "0"));
        boolean full = Boolean.parseBoolean(d.getOrDefault("full", "true"));
        String name = d.getOrDefault("name", "");
        CloneRequest request = new CloneRequest(t.vmid(), name.isEmpty() ? null : name, full, storage.isEmpty() ? null : storage);
        int attempt = Integer.parseInt(d.getOrDefault("attempts", "0")) + 1;
        boolean answerLost = Boolean.parseBoolean(d.getOrDefault("answerLost", "false"));
        try {
            Upid upid = pve.clone(t.node(), templateVmid, request);
            LOG.infof("clone %d -> %d (%s) dispatched on %s: %s (%s)", templateVmid, t.vmid(), name, t.node(), upid,
                    t.logContext());
            database.inTransaction(c -> {
                ownership.recordTask(c, t.vmid(), upid.value());
                queue.dispatched(c, t.id(), upid.value());
                return null;
            });
            return true;
        } catch (PveException e) {
            if (e.failure() == Failure.ALREADY_EXISTS && answerLost) {
                // An earlier attempt's answer was lost and it did create the VM: wait for its lock instead of a UPID.
                LOG.infof("clone %d -> %d: an earlier attempt created the VM; waiting for its lock (%s)", templateVmid,
                        t.vmid(), t.logContext());
                database.inTransaction(c -> {
                    queue.dispatched(c, t.id(), null);
                    return null;
                });
                return true;
            }
            boolean lost = answerLost || e.httpStatus() == 0;
            if (e.retryable() && attempt < retry.attempts()) {
                Duration backoff = retry.delay(attempt);
                LOG.infof("clone %d -> %d attempt %d failed (%s); retrying in %d ms (%s)", templateVmid, t.vmid(), attempt,
                        e.getMessage(), backoff.toMillis(), t.logContext());
                database.inTransaction(c -> {
                    queue.requeue(c, t.id(), attempt, lost, Instant.now().plus(backoff));
                    return null;
                });
                return true;
            }
            LOG.warnf("clone %d -> %d failed (%s): %s", templateVmid, t.vmid(), t.logContext(), e.getMessage());
            // Without any HTTP answer the clone may have started: keep the claim so a retry recognises the VM as ours.
            boolean surelyNotStarted = !lost;
            return database.inTransaction(c -> {
                if (!tasks.take(c, t.id())) {
                    return false;
                }
                if (surelyNotStarted) {
                    ownership.release(c, t.vmid(), t.commandEventId());
                }
                replies.append(c, t.command(), EventCatalog.PVE_OPERATION_FAILED,
                        OperationFailures.of(CloneHandler.OPERATION, t.node(), t.vmid(), e));
                return true;
            });
        }
    }

    /** A clone whose dispatcher died: follow it by the VM's lock, as after a lost answer. */
    public void recover(PendingTask t) {
        LOG.warnf("clone of VM %d was being dispatched by an adapter that stopped; following the VM's lock (%s)",
                t.vmid(), t.logContext());
        database.inTransaction(c -> {
            queue.dispatched(c, t.id(), null);
            return null;
        });
    }
}
