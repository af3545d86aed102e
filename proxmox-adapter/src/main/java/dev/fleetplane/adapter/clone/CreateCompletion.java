package dev.fleetplane.adapter.clone;

import dev.fleetplane.adapter.commands.OperationFailures;
import dev.fleetplane.adapter.commands.Outcome;
import dev.fleetplane.adapter.handling.CommandFlow;
import dev.fleetplane.adapter.ownership.VmOwnership;
import dev.fleetplane.adapter.task.PendingTask;
import dev.fleetplane.adapter.task.TaskCompletion;
import dev.fleetplane.adapter.vmid.VmidLeases;
import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.pve.VmCloned;
import dev.fleetplane.events.pve.VmRestored;
import dev.fleetplane.proxmox.client.PveException;
import dev.fleetplane.proxmox.client.PveException.Failure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Set;

/**
 * What a finished create task means (a {@code clone} row: the clone queue runs clones and restores alike): the clone's
 * {@code VmCloned}, or for a restore {@code VmRestored} and its VMID reservation given up (the VM holds the VMID now).
 */
@ApplicationScoped
public class CreateCompletion implements TaskCompletion {

    @Inject
    CommandFlow flow;

    @Inject
    VmOwnership ownership;

    @Inject
    VmidLeases leases;

    @Override
    public Set<String> operations() {
        return Set.of(CloneQueue.RUNNING);
    }

    @Override
    public Outcome succeeded(PendingTask t) {
        Map<String, String> d = t.details();
        if (restore(t)) {
            Outcome answer = flow.answer(t.command(), EventCatalog.VM_RESTORED,
                    new VmRestored(t.node(), t.vmid(), d.getOrDefault("archive", ""), t.upid()));
            return c -> {
                leases.releaseAll(c, t.commandEventId());
                answer.write(c);
            };
        }
        return flow.answer(t.command(), EventCatalog.VM_CLONED, new VmCloned(t.node(), t.vmid(), d.getOrDefault("name", ""),
                Integer.parseInt(d.getOrDefault("templateVmid", "0")), t.upid()));
    }

    /**
     * A failed clone frees its VMID (Proxmox removes a failed clone's config), unless it timed out and may still run. A
     * failed restore leaves its config and disks ("VM … state is NOT cleaned up"): the VM stays ours, so a DestroyVm may
     * remove it; the reservation is not needed any more either way.
     */
    @Override
    public Outcome failed(PendingTask t, PveException e) {
        boolean restore = restore(t);
        String operation = restore ? CloneQueue.RESTORE_OPERATION : t.operation();
        Outcome answer = flow.answer(t.command(), EventCatalog.PVE_OPERATION_FAILED,
                OperationFailures.of(operation, t.node(), t.vmid(), e));
        return c -> {
            if (restore) {
                leases.releaseAll(c, t.commandEventId());
            } else if (e.failure() != Failure.TIMEOUT) {
                ownership.release(c, t.vmid(), t.commandEventId());
            }
            answer.write(c);
        };
    }

    private static boolean restore(PendingTask t) {
        return CloneQueue.RESTORE_KIND.equals(t.details().get("kind"));
    }
}
