package dev.fleetplane.adapter.destroy;

import dev.fleetplane.adapter.ownership.VmOwnership;
import dev.fleetplane.adapter.commands.Checks;
import dev.fleetplane.adapter.commands.Command;
import dev.fleetplane.adapter.commands.CommandHandler;
import dev.fleetplane.adapter.commands.Outcome;
import dev.fleetplane.adapter.handling.CommandFlow;
import dev.fleetplane.adapter.inventory.ConfigCache;
import dev.fleetplane.adapter.task.PendingTask;
import dev.fleetplane.adapter.task.TaskCompletion;
import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.EventKind;
import dev.fleetplane.events.pve.DestroyVm;
import dev.fleetplane.events.pve.PveOperationFailed;
import dev.fleetplane.events.pve.VmDestroyed;
import dev.fleetplane.messaging.Database;
import dev.fleetplane.proxmox.client.ClusterVm;
import dev.fleetplane.proxmox.client.PveException;
import dev.fleetplane.proxmox.client.PveException.Failure;
import dev.fleetplane.proxmox.client.Upid;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * {@code DestroyVm}, only for a VM fleetplane cloned ({@code vm_ownership}) for the same host, and only when it is
 * stopped: {@code DELETE ?purge=1&destroy-unreferenced-disks=1}, the {@code qmdestroy} task left to the poller.
 * A VM that is gone already is answered {@code VmDestroyed}; a destroy in progress ({@code lock: destroyed}) is
 * waited for until the VM is gone.
 */
@ApplicationScoped
public class DestroyHandler implements CommandHandler, TaskCompletion {

    public static final String OPERATION = "destroy";
    private static final Logger LOG = Logger.getLogger(DestroyHandler.class);

    @Inject
    CommandFlow flow;

    @Inject
    Database database;

    @Inject
    VmOwnership ownership;

    @Inject
    ConfigCache configCache;

    @Override
    public EventKind<?> kind() {
        return EventCatalog.DESTROY_VM;
    }

    @Override
    public Outcome handle(Command command) {
        DestroyVm cmd = command.event().dataAs(EventCatalog.DESTROY_VM);
        Checks checks = Checks.of("DestroyVm for host " + command.host()).node(cmd.node()).vmid("vmid", cmd.vmid())
                .dnsName("name", cmd.name());
        return flow.run(command, OPERATION, cmd.node(), cmd.vmid(), checks, () -> destroy(command, cmd));
    }

    private Outcome destroy(Command command, DestroyVm cmd) {
        Optional<VmOwnership.Owner> owner = database.read(c -> ownership.find(c, cmd.vmid()));
        if (owner.isEmpty()) {
            return flow.refuse(command, OPERATION, cmd.node(), cmd.vmid(), "not-owned", "VM " + cmd.vmid()
                    + " was not created by fleetplane (no ownership record); refusing to destroy it for host " + command.host());
        }
        if (owner.get().host() != null && !owner.get().host().equals(command.host())) {
            return flow.refuse(command, OPERATION, cmd.node(), cmd.vmid(), "not-owned", "VM " + cmd.vmid()
                    + " was created for host " + owner.get().host() + ", not " + command.host() + "; refusing to destroy it");
        }
        Optional<ClusterVm> vm = flow.call(pve -> pve.clusterVms()).stream().filter(v -> v.vmid() == cmd.vmid()).findFirst();
        if (vm.isEmpty()) {
            LOG.infof("VM %d is gone already", cmd.vmid());
            return gone(command, cmd.node(), cmd.vmid(), null);
        }
        ClusterVm v = vm.get();
        if (owner.get().destroyed()) {
            return flow.refuse(command, OPERATION, cmd.node(), cmd.vmid(), "not-owned", "VM " + cmd.vmid() + " ('"
                    + v.name() + "') is not the VM fleetplane created for " + command.host()
                    + " (that one was destroyed); refusing to destroy it");
        }
        if ("destroyed".equals(v.lock())) {
            LOG.infof("VM %d is being destroyed already; waiting for it to go", cmd.vmid());
            return flow.follow(command, null, v.node(), cmd.vmid(), OPERATION, Map.of(), deadline(command));
        }
        if (v.lock() != null) {
            return flow.answer(command, EventCatalog.PVE_OPERATION_FAILED, new PveOperationFailed(OPERATION, v.node(),
                    cmd.vmid(), "locked", "VM " + cmd.vmid() + " is locked (" + v.lock()
                    + "); destroy it once the lock is gone", 0, null, null, List.of(), true));
        }
        if (!"stopped".equals(v.status())) {
            return flow.refuse(command, OPERATION, cmd.node(), cmd.vmid(), "vm-running", "VM " + cmd.vmid() + " is "
                    + v.status() + "; stop it first (StopVm), a running VM is never destroyed");
        }
        if (cmd.name() != null && !cmd.name().isBlank() && !cmd.name().equals(v.name())) {
            LOG.warnf("VM %d is named '%s' in Proxmox, the command says '%s'; destroying it as fleetplane's VM of %s",
                    cmd.vmid(), v.name(), cmd.name(), command.host());
        }
        Upid upid;
        try {
            upid = flow.call(pve -> pve.delete(v.node(), cmd.vmid(), true, true));
        } catch (PveException e) {
            if (e.failure() == Failure.NOT_FOUND && e.operation().equals(OPERATION)) {
                return gone(command, cmd.node(), cmd.vmid(), null); // vanished between the listing and the DELETE
            }
            throw e;
        }
        LOG.infof("destroy of VM %d ('%s') on %s dispatched: %s", cmd.vmid(), v.name(), v.node(), upid);
        return flow.follow(command, upid, v.node(), cmd.vmid(), OPERATION, Map.of(), deadline(command));
    }

    @Override
    public Set<String> operations() {
        return Set.of(OPERATION);
    }

    @Override
    public Outcome succeeded(PendingTask task) {
        return gone(task.command(), task.node(), task.vmid(), task.upid());
    }

    @Override
    public Outcome failed(PendingTask task, PveException failure) {
        return flow.taskFailed(task, failure);
    }

    @Override
    public boolean failureMeansDone(PveException failure) {
        return alreadyGone(failure);
    }

    /** Destroying a VM whose config is gone (destroyed meanwhile by a parallel request) is what was asked. */
    public static boolean alreadyGone(PveException failure) {
        return failure.exitStatus() != null && failure.exitStatus().contains("does not exist");
    }

    /** A destroy already running when the command came is done when the VM is gone, not when a lock clears. */
    @Override
    public boolean doneWhenGone() {
        return true;
    }

    private Outcome gone(Command command, String node, int vmid, String upid) {
        Outcome answer = flow.answer(command, EventCatalog.VM_DESTROYED, new VmDestroyed(node, vmid, upid));
        return c -> {
            ownership.markDestroyed(c, vmid);
            configCache.forget(c, vmid);
            answer.write(c);
        };
    }

    private Instant deadline(Command command) {
        return Instant.now().plus(flow.timeouts().destroy(command.host()));
    }
}
