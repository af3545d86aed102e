package dev.fleetplane.adapter.create;

import dev.fleetplane.adapter.commands.Command;
import dev.fleetplane.adapter.commands.Outcome;
import dev.fleetplane.adapter.handling.CommandFlow;
import dev.fleetplane.adapter.ownership.VmOwnership;
import dev.fleetplane.adapter.ownership.VmOwnership.Owner;
import dev.fleetplane.adapter.task.PendingTask;
import dev.fleetplane.adapter.vmid.VmidReservations;
import dev.fleetplane.messaging.Database;
import dev.fleetplane.proxmox.client.ClusterVm;
import dev.fleetplane.proxmox.client.PveException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * The VMID of a command that creates a VM (a clone, a restore, an import), the same way for each: the given one, or
 * without one (0) the VM this command already claimed in {@code vm_ownership} when it was handled before, else a new
 * reservation from the adapter's range held by the command's id; then {@code /cluster/resources} says whether a VM is
 * there already (the handler decides whose it is), and a free VMID is claimed for the command in the same transaction
 * that queues the create. What the create is and when a VM at the VMID counts as its own stay with the handler.
 */
@ApplicationScoped
public class CreateVmid {

    /** What the handler answers when Proxmox already shows a VM at the command's VMID. */
    @FunctionalInterface
    public interface Taken {
        Outcome answer(int vmid, ClusterVm vm);
    }

    @Inject
    CommandFlow flow;

    @Inject
    Database database;

    @Inject
    VmOwnership ownership;

    @Inject
    VmidReservations vmids;

    /**
     * Places the create of {@code command}: {@code given} 0 allocates. An exhausted range is refused
     * {@code no-free-vmid} (naming the range), a Proxmox failure is the command's failure under {@code operation} (VMID
     * 0 while none is chosen yet). A VM at the VMID goes to {@code taken}; else the VMID is claimed and the row
     * {@code queued} builds (the create, waiting in the clone queue) is written with the answer.
     */
    public Outcome place(Command command, String operation, String node, int given, Taken taken,
                         IntFunction<PendingTask> queued) {
        int vmid;
        try {
            vmid = given == 0 ? allocated(command) : given;
        } catch (IllegalStateException e) {
            return flow.refuse(command, operation, node, 0, "no-free-vmid", e.getMessage());
        } catch (PveException e) {
            return flow.failed(command, operation, node, 0, e);
        }
        Optional<ClusterVm> existing;
        try {
            existing = flow.call(pve -> pve.clusterVms()).stream().filter(v -> v.vmid() == vmid).findFirst();
        } catch (PveException e) {
            return flow.failed(command, operation, node, vmid, e);
        }
        if (existing.isPresent()) {
            return taken.answer(vmid, existing.get());
        }
        PendingTask row = queued.apply(vmid);
        Outcome follow = flow.follow(row);
        // The claim comes before the POST (the dispatcher's): an adapter that dies after it still finds the VM "ours".
        return c -> {
            ownership.claim(c, vmid, row.node(), command.event().id(), command.host());
            follow.write(c);
        };
    }

    /** Who fleetplane's records say holds {@code vmid} (for the handler's "is the VM there ours?"). */
    public Optional<Owner> owner(int vmid) {
        return database.read(c -> ownership.find(c, vmid));
    }

    /** The claim on {@code vmid} if {@code command} made the VM there (and fleetplane has not destroyed it since). */
    public Optional<Owner> madeBy(Command command, int vmid) {
        return owner(vmid).filter(o -> !o.destroyed()).filter(o -> o.commandId().equals(command.event().id()));
    }

    /**
     * The VM {@code command} claimed when it was handled before (the adapter died before recording its answer), else a
     * new reservation held by the command's id. Throws {@link IllegalStateException} naming the range when it is
     * exhausted.
     */
    private int allocated(Command command) {
        Optional<Integer> claimed = database.read(c -> ownership.claimedBy(c, command.event().id()));
        return claimed.orElseGet(() -> vmids.reserve(command.event().id()));
    }
}
