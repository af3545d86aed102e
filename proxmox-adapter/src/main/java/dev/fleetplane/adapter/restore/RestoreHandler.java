package dev.fleetplane.adapter.restore;

import dev.fleetplane.adapter.clone.CloneQueue;
import dev.fleetplane.adapter.commands.Checks;
import dev.fleetplane.adapter.commands.Command;
import dev.fleetplane.adapter.commands.CommandHandler;
import dev.fleetplane.adapter.commands.Outcome;
import dev.fleetplane.adapter.create.CreateVmid;
import dev.fleetplane.adapter.handling.CommandFlow;
import dev.fleetplane.adapter.ownership.VmOwnership.Owner;
import dev.fleetplane.adapter.task.PendingTask;
import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.EventKind;
import dev.fleetplane.events.pve.RestoreVm;
import dev.fleetplane.events.pve.VmRestored;
import dev.fleetplane.proxmox.client.ClusterVm;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * {@code RestoreVm}: a vzdump archive restored as a new VM, e.g. the NixOS template image. Without a VMID one is
 * reserved from the adapter's range ({@link CreateVmid}, as for clones and imports). Like a clone it is idempotent
 * (the VMID is claimed in {@code vm_ownership} before the POST; a VM already there is answered again if this command
 * made it, refused otherwise) and it waits for a create slot of its node and storage in the clone queue, so restores
 * and clones share one bound.
 */
@ApplicationScoped
public class RestoreHandler implements CommandHandler {

    public static final String OPERATION = CloneQueue.RESTORE_OPERATION;
    private static final Logger LOG = Logger.getLogger(RestoreHandler.class);
    /** {@code storage:path} as Proxmox names volumes (a PBS volid has the same shape). */
    private static final Pattern VOLID = Pattern.compile("[A-Za-z][A-Za-z0-9._-]*:[^\\s,;=]+");
    private static final Pattern STORAGE = Pattern.compile("[A-Za-z][A-Za-z0-9._-]*");

    @Inject
    CommandFlow flow;

    @Inject
    CreateVmid create;

    @Override
    public EventKind<?> kind() {
        return EventCatalog.RESTORE_VM;
    }

    @Override
    public Outcome handle(Command command) {
        RestoreVm cmd = command.event().dataAs(EventCatalog.RESTORE_VM);
        boolean allocate = cmd.vmid() == null || cmd.vmid() == 0;
        Checks checks = Checks.of("RestoreVm for " + command.host()).node(cmd.node())
                .check(cmd.archive() != null && VOLID.matcher(cmd.archive()).matches(), "archive '" + cmd.archive()
                        + "' is not a volume id like local:backup/vzdump-qemu-9003-2026_11_28-00_00_00.vma.zst")
                .check(cmd.storage() == null || cmd.storage().isBlank() || STORAGE.matcher(cmd.storage()).matches(),
                        "storage '" + cmd.storage() + "' is not a storage id");
        if (!allocate) {
            checks.vmid("vmid", cmd.vmid());
        }
        int given = allocate ? 0 : cmd.vmid();
        return flow.run(command, OPERATION, cmd.node(), given, checks, () -> restore(command, cmd, allocate, given));
    }

    private Outcome restore(Command command, RestoreVm cmd, boolean allocate, int given) {
        return create.place(command, OPERATION, cmd.node(), given, (vmid, vm) -> alreadyThere(command, cmd, vmid, vm),
                vmid -> {
                    LOG.infof("restore of %s into VM %d%s on %s queued", cmd.archive(), vmid,
                            allocate ? " (allocated)" : "", cmd.node());
                    String storage = cmd.storage() == null ? "" : cmd.storage().strip();
                    return PendingTask.forCommand(command, null, cmd.node(), vmid, CloneQueue.QUEUED,
                            Map.of("kind", CloneQueue.RESTORE_KIND, "archive", cmd.archive(), "storage", storage,
                                    "unique", Boolean.toString(cmd.unique())),
                            Instant.now().plus(flow.timeouts().create(command.host())));
                });
    }

    private Outcome alreadyThere(Command command, RestoreVm cmd, int vmid, ClusterVm vm) {
        Optional<Owner> ours = create.madeBy(command, vmid);
        if (ours.isEmpty()) {
            return flow.refuse(command, OPERATION, vm.node(), vmid, "already-exists", "VMID " + vmid
                    + " is held by '" + vm.name() + "' on node " + vm.node() + ", which this command did not restore;"
                    + " refusing to touch it");
        }
        if (vm.lock() != null) {
            LOG.infof("VM %d is being restored by this command (lock %s); waiting for it", vmid, vm.lock());
            return flow.follow(PendingTask.forCommand(command, ours.get().upid(), vm.node(), vmid,
                    CloneQueue.RUNNING, Map.of("kind", CloneQueue.RESTORE_KIND, "archive", cmd.archive()),
                    Instant.now().plus(flow.timeouts().create(command.host()))));
        }
        LOG.infof("VM %d was already restored by this command; answering again", vmid);
        return flow.answer(command, EventCatalog.VM_RESTORED,
                new VmRestored(vm.node(), vmid, cmd.archive(), ours.get().upid()));
    }
}
