package dev.fleetplane.adapter.clone;

import dev.fleetplane.adapter.commands.Checks;
import dev.fleetplane.adapter.commands.Command;
import dev.fleetplane.adapter.commands.CommandHandler;
import dev.fleetplane.adapter.commands.Outcome;
import dev.fleetplane.adapter.create.CreateVmid;
import dev.fleetplane.adapter.handling.CommandFlow;
import dev.fleetplane.adapter.task.PendingTask;
import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.EventKind;
import dev.fleetplane.events.pve.CloneVm;
import dev.fleetplane.events.pve.VmCloned;
import dev.fleetplane.proxmox.client.ClusterVm;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import org.jboss.logging.Logger;

/**
 * {@code CloneVm}, idempotently: a VMID that exists is answered again if fleetplane cloned it for this
 * host, refused if anyone else holds it (never destroyed); vmid 0 takes one from the adapter's range (held by the
 * command's id, as a {@code RestoreVm} does: {@link CreateVmid}); otherwise the VMID is claimed in
 * {@code vm_ownership} and the clone queued in {@code pve_task}; {@link CloneDispatcher} starts it when a slot is free,
 * {@link CreateCompletion} answers it.
 */
@ApplicationScoped
public class CloneHandler implements CommandHandler {

    static final String OPERATION = "clone";
    private static final Logger LOG = Logger.getLogger(CloneHandler.class);

    @Inject
    CommandFlow flow;

    @Inject
    CreateVmid create;

    @Override
    public EventKind<?> kind() {
        return EventCatalog.CLONE_VM;
    }

    @Override
    public Outcome handle(Command command) {
        CloneVm cmd = command.event().dataAs(EventCatalog.CLONE_VM);
        boolean allocate = cmd.vmid() == 0;
        Checks checks = Checks.of("CloneVm for host " + command.host())
                .node(cmd.node()).vmid("templateVmid", cmd.templateVmid())
                .dnsName("name", cmd.name())
                .check(cmd.vmid() != cmd.templateVmid(), "vmid " + cmd.vmid() + " is the template itself")
                .check(cmd.full() || cmd.targetStorage() == null || cmd.targetStorage().isBlank(),
                        "targetStorage '" + cmd.targetStorage() + "' is only allowed for full clones");
        if (!allocate) {
            checks.vmid("vmid", cmd.vmid());
        }
        return flow.run(command, OPERATION, cmd.node(), cmd.vmid(), checks, () -> create.place(command, OPERATION,
                cmd.node(), cmd.vmid(), (vmid, vm) -> alreadyThere(command, cmd, vmid, vm),
                vmid -> queued(command, cmd, vmid, allocate)));
    }

    private Outcome alreadyThere(Command command, CloneVm cmd, int vmid, ClusterVm vm) {
        var owner = create.owner(vmid);
        boolean ours = owner.filter(o -> !o.destroyed()).filter(o -> o.commandId().equals(command.event().id())
                || (o.host() != null && Objects.equals(o.host(), command.host()))).isPresent();
        if (!ours) {
            String message = owner.isEmpty() || owner.get().destroyed()
                    ? "VMID " + vmid + " is held by a VM fleetplane did not create ('" + vm.name() + "' on node "
                    + vm.node() + "); refusing to touch it"
                    : "VMID " + vmid + " is held by host " + owner.get().host() + "'s VM (cloned by command "
                    + owner.get().commandId() + "); refusing to reuse it for host " + command.host();
            return flow.refuse(command, OPERATION, vm.node(), vmid, "already-exists", message);
        }
        String upid = owner.get().upid();
        if (vm.lock() != null) {
            LOG.infof("VMID %d is ours and still locked (%s); waiting for it", vmid, vm.lock());
            return flow.follow(PendingTask.forCommand(command, upid, cmd.node(), vmid, OPERATION,
                    Map.of("name", cmd.name() == null ? "" : cmd.name(), "templateVmid", Integer.toString(cmd.templateVmid())),
                    deadline(command)));
        }
        LOG.infof("VMID %d was already cloned by fleetplane for %s; answering again", vmid, command.host());
        return flow.answer(command, EventCatalog.VM_CLONED, new VmCloned(vm.node(), vmid, vm.name(),
                cmd.templateVmid(), upid));
    }

    /**
     * The clone, claimed and queued in the answer's transaction; the task poller dispatches it when the node/storage
     * has a free slot, so a burst of clones never blocks this thread nor trips Proxmox's lock timeouts.
     */
    private PendingTask queued(Command command, CloneVm cmd, int vmid, boolean allocated) {
        LOG.infof("clone %d -> %d%s (%s) on %s queued", cmd.templateVmid(), vmid, allocated ? " (allocated)" : "",
                cmd.name(), cmd.node());
        String storage = cmd.full() && cmd.targetStorage() != null ? cmd.targetStorage().strip() : "";
        return PendingTask.forCommand(command, null, cmd.node(), vmid, CloneQueue.QUEUED,
                Map.of("name", cmd.name() == null ? "" : cmd.name(), "templateVmid", Integer.toString(cmd.templateVmid()),
                        "full", Boolean.toString(cmd.full()), "storage", storage),
                deadline(command));
    }

    private Instant deadline(Command command) {
        return Instant.now().plus(flow.timeouts().clone(command.host()));
    }
}
