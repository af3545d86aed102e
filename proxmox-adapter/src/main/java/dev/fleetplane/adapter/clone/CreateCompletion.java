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
import dev.fleetplane.events.pve.VmImported;
import dev.fleetplane.events.pve.VmRestored;
import dev.fleetplane.proxmox.client.PveException;
import dev.fleetplane.proxmox.client.PveException.Failure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Set;

/**
 * What a finished create task means (a {@code clone} row: the clone queue runs clones, restores and imports alike): the
 * clone's {@code VmCloned}, a restore's {@code VmRestored}, an import's {@code VmImported}; a VMID reservation of the
 * command is given up (the VM holds the VMID now).
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
        Outcome answer;
        if (restore(t)) {
            answer = flow.answer(t.command(), EventCatalog.VM_RESTORED,
                    new VmRestored(t.node(), t.vmid(), d.getOrDefault("archive", ""), t.upid()));
        } else if (imported(t)) {
            answer = flow.answer(t.command(), EventCatalog.VM_IMPORTED,
                    new VmImported(t.node(), t.vmid(), d.getOrDefault("importFrom", ""), t.upid()));
        } else {
            answer = flow.answer(t.command(), EventCatalog.VM_CLONED, new VmCloned(t.node(), t.vmid(),
                    d.getOrDefault("name", ""), Integer.parseInt(d.getOrDefault("templateVmid", "0")), t.upid()));
        }
        // the VM holds its VMID now: a reservation of this command (an allocated VMID) is not needed any more
        return c -> {
            leases.releaseAll(c, t.commandEventId());
            answer.write(c);
        };
    }

    /**
     * A failed clone or import frees its VMID (Proxmox removes a failed clone's target and a failed {@code qmcreate}'s
     * VM), unless it timed out and may still run. A failed restore leaves its config and disks ("VM … state is NOT
     * cleaned up"): the VM stays ours, so a DestroyVm may remove it. The reservation is not needed any more either way
     * (a timed-out create keeps its claim, which keeps the VMID from being handed out again).
     */
    @Override
    public Outcome failed(PendingTask t, PveException e) {
        boolean restore = restore(t);
        String operation = restore ? CloneQueue.RESTORE_OPERATION
                : imported(t) ? CloneQueue.IMPORT_OPERATION : t.operation();
        Outcome answer = flow.answer(t.command(), EventCatalog.PVE_OPERATION_FAILED,
                OperationFailures.of(operation, t.node(), t.vmid(), e));
        return c -> {
            leases.releaseAll(c, t.commandEventId());
            if (!restore && e.failure() != Failure.TIMEOUT) {
                ownership.release(c, t.vmid(), t.commandEventId());
            }
            answer.write(c);
        };
    }

    private static boolean restore(PendingTask t) {
        return CloneQueue.RESTORE_KIND.equals(t.details().get("kind"));
    }

    private static boolean imported(PendingTask t) {
        return CloneQueue.IMPORT_KIND.equals(t.details().get("kind"));
    }
}
