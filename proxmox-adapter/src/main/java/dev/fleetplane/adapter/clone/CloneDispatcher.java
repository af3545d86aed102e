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
import dev.fleetplane.adapter.restore.RestoreHandler;
import dev.fleetplane.adapter.vmid.VmidLeases;
import dev.fleetplane.proxmox.client.CloneRequest;
import dev.fleetplane.proxmox.client.RestoreRequest;
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

    @Inject
    VmidLeases leases;

    /** Tries to start the queued clone {@code t}; true when it was dispatched or answered (progress was made). */
    public boolean dispatch(PendingTask t) {
        Map<String, String> d = t.details();
        String storage = d.getOrDefault("storage", "");
        CloneSlots limits = new CloneSlots(config.limits().clonesPerNode(), config.limits().clonesPerStorage());
        boolean restore = RestoreHandler.KIND.equals(d.get("kind"));
        Instant deadline = Instant.now().plus(restore ? timeouts.create(t.host()) : timeouts.clone(t.host()));
        boolean slot = database.inTransaction(c -> queue.tryTakeSlot(c, t.id(), t.node(), storage, limits, deadline));
        if (!slot) {
            database.inTransaction(c -> {
                tasks.markPolled(c, t.id());
                return null;
            });
            return false;
        }
        if (restore) {
            return dispatchRestore(t, d, storage);
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

    /** Starts a queued restore; its outcomes mirror a clone's (retry with backoff, claim kept without an answer). */
    private boolean dispatchRestore(PendingTask t, Map<String, String> d, String storage) {
        String archive = d.get("archive");
        RestoreRequest request = new RestoreRequest(t.vmid(), archive, storage.isEmpty() ? null : storage,
                Boolean.parseBoolean(d.getOrDefault("unique", "false")), false, false);
        int attempt = Integer.parseInt(d.getOrDefault("attempts", "0")) + 1;
        boolean answerLost = Boolean.parseBoolean(d.getOrDefault("answerLost", "false"));
        try {
            Upid upid = pve.restoreVm(t.node(), request);
            LOG.infof("restore of %s into VM %d dispatched on %s: %s (%s)", archive, t.vmid(), t.node(), upid,
                    t.logContext());
            database.inTransaction(c -> {
                ownership.recordTask(c, t.vmid(), upid.value());
                queue.dispatched(c, t.id(), upid.value());
                return null;
            });
            return true;
        } catch (PveException e) {
            if (e.failure() == Failure.ALREADY_EXISTS && answerLost) {
                database.inTransaction(c -> {
                    queue.dispatched(c, t.id(), null);
                    return null;
                });
                return true;
            }
            boolean lost = answerLost || e.httpStatus() == 0;
            if (e.retryable() && attempt < retry.attempts()) {
                Duration backoff = retry.delay(attempt);
                LOG.infof("restore into VM %d attempt %d failed (%s); retrying in %d ms (%s)", t.vmid(), attempt,
                        e.getMessage(), backoff.toMillis(), t.logContext());
                database.inTransaction(c -> {
                    queue.requeue(c, t.id(), attempt, lost, Instant.now().plus(backoff));
                    return null;
                });
                return true;
            }
            LOG.warnf("restore of %s into VM %d failed (%s): %s", archive, t.vmid(), t.logContext(), e.getMessage());
            return database.inTransaction(c -> {
                if (!tasks.take(c, t.id())) {
                    return false;
                }
                if (!lost) {
                    ownership.release(c, t.vmid(), t.commandEventId());
                    leases.releaseAll(c, t.commandEventId());
                }
                replies.append(c, t.command(), EventCatalog.PVE_OPERATION_FAILED,
                        OperationFailures.of(RestoreHandler.OPERATION, t.node(), t.vmid(), e));
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
