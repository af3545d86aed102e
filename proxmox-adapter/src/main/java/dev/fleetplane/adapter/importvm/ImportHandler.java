package dev.fleetplane.adapter.importvm;

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
import dev.fleetplane.events.pve.ImportVm;
import dev.fleetplane.events.pve.VmImported;
import dev.fleetplane.proxmox.client.ClusterVm;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * {@code ImportVm}: a new VM whose disk is imported from an uploaded image ({@code POST /nodes/{node}/qemu} with
 * {@code <diskKey>: <storage>:0,import-from=<volid>}, task {@code qmcreate}), e.g. a NixOS template candidate. Shaped
 * like {@code RestoreVm} ({@link CreateVmid}): without a VMID one is reserved from the adapter's range; the VMID is
 * claimed in {@code vm_ownership} before the POST (so a later DestroyVm or ConvertToTemplate accepts the VM, and a
 * command handled again answers with the VM it made); the create waits for a create slot of its node and target
 * storage in the clone queue. A failed create leaves nothing behind on Proxmox, so the claim and the reservation are released.
 */
@ApplicationScoped
public class ImportHandler implements CommandHandler {

    public static final String OPERATION = CloneQueue.IMPORT_OPERATION;
    private static final Logger LOG = Logger.getLogger(ImportHandler.class);

    @Inject
    CommandFlow flow;

    @Inject
    CreateVmid create;

    @Override
    public EventKind<?> kind() {
        return EventCatalog.IMPORT_VM;
    }

    @Override
    public Outcome handle(Command command) {
        ImportVm cmd = command.event().dataAs(EventCatalog.IMPORT_VM);
        boolean allocate = cmd.vmid() == null || cmd.vmid() == 0;
        Checks checks = ImportRules.check(cmd, "ImportVm for " + command.host());
        if (!allocate) {
            checks.vmid("vmid", cmd.vmid());
        }
        int given = allocate ? 0 : cmd.vmid();
        return flow.run(command, OPERATION, cmd.node(), given, checks, () -> create(command, cmd, allocate, given));
    }

    private Outcome create(Command command, ImportVm cmd, boolean allocate, int given) {
        return create.place(command, OPERATION, cmd.node(), given, (vmid, vm) -> alreadyThere(command, cmd, vmid, vm),
                vmid -> {
                    LOG.infof("import of %s into VM %d%s (%s) on %s queued", cmd.importFrom(), vmid,
                            allocate ? " (allocated)" : "", cmd.diskKey(), cmd.node());
                    Map<String, String> details = new HashMap<>();
                    details.put("kind", CloneQueue.IMPORT_KIND);
                    details.put("importFrom", cmd.importFrom());
                    details.put("storage", cmd.storage());
                    ImportRules.createParameters(cmd).forEach((k, v) -> details.put(CloneQueue.CONFIG_PREFIX + k, v));
                    return PendingTask.forCommand(command, null, cmd.node(), vmid, CloneQueue.QUEUED, details,
                            Instant.now().plus(flow.timeouts().create(command.host())));
                });
    }

    private Outcome alreadyThere(Command command, ImportVm cmd, int vmid, ClusterVm vm) {
        Optional<Owner> ours = create.madeBy(command, vmid);
        if (ours.isEmpty()) {
            return flow.refuse(command, OPERATION, vm.node(), vmid, "already-exists", "VMID " + vmid
                    + " is held by '" + vm.name() + "' on node " + vm.node() + ", which this command did not import;"
                    + " refusing to touch it");
        }
        if (vm.lock() != null) {
            LOG.infof("VM %d is being created by this command (lock %s); waiting for it", vmid, vm.lock());
            return flow.follow(PendingTask.forCommand(command, ours.get().upid(), vm.node(), vmid,
                    CloneQueue.RUNNING, Map.of("kind", CloneQueue.IMPORT_KIND, "importFrom", cmd.importFrom()),
                    Instant.now().plus(flow.timeouts().create(command.host()))));
        }
        LOG.infof("VM %d was already imported by this command; answering again", vmid);
        return flow.answer(command, EventCatalog.VM_IMPORTED,
                new VmImported(vm.node(), vmid, cmd.importFrom(), ours.get().upid()));
    }
}
