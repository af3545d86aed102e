package dev.fleetplane.adapter.clone;

import dev.fleetplane.adapter.commands.OperationFailures;
import dev.fleetplane.adapter.commands.Replies;
import dev.fleetplane.adapter.config.AdapterConfig;
import dev.fleetplane.adapter.limits.CloneSlots;
import dev.fleetplane.adapter.ownership.VmOwnership;
import dev.fleetplane.adapter.task.PendingTask;
import dev.fleetplane.adapter.task.PendingTasks;
import dev.fleetplane.adapter.task.TaskDispatch;
import dev.fleetplane.adapter.task.Timeouts;
import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.messaging.Database;
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
import java.util.TreeMap;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Starts queued creates, clones, restores and imports alike (task poller thread), when their node and storage have a free
 * slot: one POST per attempt; lock contention and transient trouble put the create back in the queue with jittered exponential backoff instead of
 * sleeping, so neither the Kafka thread nor the poller waits on a busy Proxmox.
 */
@ApplicationScoped
public class CloneDispatcher implements TaskDispatch {

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

    @Override
    public boolean dispatches(String operation) {
        return operation.equals(CloneQueue.QUEUED) || operation.equals(CloneQueue.DISPATCHING);
    }

    @Override
    public boolean advance(PendingTask t) {
        if (t.operation().equals(CloneQueue.DISPATCHING)) {
            recover(t);
            return true;
        }
        return dispatch(t);
    }

    /** Tries to start the queued clone {@code t}; true when it was dispatched or answered (progress was made). */
    private boolean dispatch(PendingTask t) {
        Map<String, String> d = t.details();
        String storage = d.getOrDefault("storage", "");
        CloneSlots limits = new CloneSlots(config.limits().clonesPerNode(), config.limits().clonesPerStorage());
        boolean restore = CloneQueue.RESTORE_KIND.equals(d.get("kind"));
        boolean imported = CloneQueue.IMPORT_KIND.equals(d.get("kind"));
        Instant deadline = Instant.now().plus(restore || imported ? timeouts.create(t.host()) : timeouts.clone(t.host()));
        boolean slot = database.inTransaction(c -> queue.tryTakeSlot(c, t.id(), t.node(), storage, limits, deadline));
        if (!slot) {
            database.inTransaction(c -> {
                tasks.markPolled(c, t.id());
                return null;
            });
            return false;
        }
        if (restore) {
            String archive = d.get("archive");
            RestoreRequest request = new RestoreRequest(t.vmid(), archive, storage.isEmpty() ? null : storage,
                    Boolean.parseBoolean(d.getOrDefault("unique", "false")), false, false);
            return post(t, CloneQueue.RESTORE_OPERATION, "restore of " + archive + " into VM " + t.vmid(),
                    () -> pve.restoreVm(t.node(), request));
        }
        if (imported) {
            Map<String, String> create = new TreeMap<>();
            d.forEach((k, v) -> {
                if (k.startsWith(CloneQueue.CONFIG_PREFIX)) {
                    create.put(k.substring(CloneQueue.CONFIG_PREFIX.length()), v);
                }
            });
            return post(t, CloneQueue.IMPORT_OPERATION, "import of " + d.get("importFrom") + " into VM " + t.vmid(),
                    () -> pve.createVm(t.node(), t.vmid(), create));
        }
        int templateVmid = Integer.parseInt(d.getOrDefault("templateVmid", "0"));
        boolean full = Boolean.parseBoolean(d.getOrDefault("full", "true"));
        String name = d.getOrDefault("name", "");
        CloneRequest request = new CloneRequest(t.vmid(), name.isEmpty() ? null : name, full, storage.isEmpty() ? null : storage);
        return post(t, CloneHandler.OPERATION, "clone " + templateVmid + " -> " + t.vmid() + " (" + name + ")",
                () -> pve.clone(t.node(), templateVmid, request));
    }

    /**
     * The create's one POST (a clone or a restore) with its outcomes: dispatched (follow the task), an earlier
     * attempt's lost answer did create the VM (follow its lock), retry later with backoff (lock contention, transient
     * trouble), or fail; a failure without any HTTP answer keeps the VMID claim, as the create may have started.
     */
    private boolean post(PendingTask t, String operation, String what, Supplier<Upid> request) {
        Map<String, String> d = t.details();
        int attempt = Integer.parseInt(d.getOrDefault("attempts", "0")) + 1;
        boolean answerLost = Boolean.parseBoolean(d.getOrDefault("answerLost", "false"));
        try {
            Upid upid = request.get();
            LOG.infof("%s dispatched on %s: %s", what, t.node(), upid);
            database.inTransaction(c -> {
                ownership.recordTask(c, t.vmid(), upid.value());
                queue.dispatched(c, t.id(), upid.value());
                return null;
            });
            return true;
        } catch (PveException e) {
            if (e.failure() == Failure.ALREADY_EXISTS && answerLost) {
                LOG.infof("%s: an earlier attempt created the VM; waiting for its lock", what);
                database.inTransaction(c -> {
                    queue.dispatched(c, t.id(), null);
                    return null;
                });
                return true;
            }
            boolean lost = answerLost || e.httpStatus() == 0;
            if (e.retryable() && attempt < retry.attempts()) {
                Duration backoff = retry.delay(attempt);
                LOG.infof("%s attempt %d failed (%s); retrying in %d ms", what, attempt, e.getMessage(),
                        backoff.toMillis());
                database.inTransaction(c -> {
                    queue.requeue(c, t.id(), attempt, lost, Instant.now().plus(backoff));
                    return null;
                });
                return true;
            }
            LOG.warnf("%s failed: %s", what, e.getMessage());
            return database.inTransaction(c -> {
                if (!tasks.take(c, t.id())) {
                    return false;
                }
                if (!lost) {
                    ownership.release(c, t.vmid(), t.commandEventId());
                    leases.releaseAll(c, t.commandEventId());
                }
                replies.append(c, t.command(), EventCatalog.PVE_OPERATION_FAILED,
                        OperationFailures.of(operation, t.node(), t.vmid(), e));
                return true;
            });
        }
    }

    /** A clone whose dispatcher died: follow it by the VM's lock, as after a lost answer. */
    private void recover(PendingTask t) {
        LOG.warnf("clone of VM %d was being dispatched by an adapter that stopped; following the VM's lock", t.vmid());
        database.inTransaction(c -> {
            queue.dispatched(c, t.id(), null);
            return null;
        });
    }
}
