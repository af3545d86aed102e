package dev.fleetplane.adapter.destroy;

import dev.fleetplane.adapter.clone.VmOwnership;
import dev.fleetplane.adapter.commands.Checks;
import dev.fleetplane.adapter.commands.Command;
import dev.fleetplane.adapter.commands.CommandHandler;
import dev.fleetplane.adapter.commands.OperationFailures;
import dev.fleetplane.adapter.commands.Outcome;
import dev.fleetplane.adapter.commands.Replies;
import dev.fleetplane.adapter.config.AdapterConfig;
import dev.fleetplane.adapter.inventory.ConfigCache;
import dev.fleetplane.adapter.task.PendingTask;
import dev.fleetplane.adapter.task.PendingTasks;
import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.pve.DestroyVm;
import dev.fleetplane.events.pve.VmDestroyed;
import dev.fleetplane.messaging.Database;
import dev.fleetplane.proxmox.client.ClusterVm;
import dev.fleetplane.proxmox.client.ProxmoxClient;
import dev.fleetplane.proxmox.client.PveException;
import dev.fleetplane.proxmox.client.PveException.Failure;
import dev.fleetplane.proxmox.client.RetryPolicy;
import dev.fleetplane.proxmox.client.Upid;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * {@code DestroyVm}, only for a VM fleetplane cloned ({@code vm_ownership}) for the same host, and only when it is
 * stopped: {@code DELETE ?purge=1&destroy-unreferenced-disks=1}, the {@code qmdestroy} task left to the poller.
 * A VM that is gone already is answered {@code VmDestroyed}; a destroy in progress ({@code lock: destroyed}) is
 * waited for.
 */
@ApplicationScoped
public class DestroyHandler implements CommandHandler {

    public static final String OPERATION = "destroy";
    private static final Logger LOG = Logger.getLogger(DestroyHandler.class);

    @Inject
    dev.fleetplane.adapter.task.Timeouts timeouts;

    @Inject
    ProxmoxClient pve;

    @Inject
    RetryPolicy retry;

    @Inject
    Database database;

    @Inject
    VmOwnership ownership;

    @Inject
    PendingTasks tasks;

    @Inject
    ConfigCache configCache;

    @Inject
    Replies replies;

    @Inject
    AdapterConfig config;

    @Override
    public Outcome handle(Command command) {
        DestroyVm cmd = command.event().dataAs(EventCatalog.DESTROY_VM);
        Checks checks = Checks.of("DestroyVm for host " + command.host()).node(cmd.node()).vmid("vmid", cmd.vmid())
                .dnsName("name", cmd.name());
        if (!checks.ok()) {
            return replies.refusal(command, OPERATION, cmd.node(), cmd.vmid(), "invalid-parameter", checks.message());
        }
        Optional<VmOwnership.Owner> owner = database.read(c -> ownership.find(c, cmd.vmid()));
        if (owner.isEmpty()) {
            return replies.refusal(command, OPERATION, cmd.node(), cmd.vmid(), "not-owned", "VM " + cmd.vmid() + " was not created by fleetplane (no ownership"
                    + " record); refusing to destroy it for host " + command.host());
        }
        if (owner.get().host() != null && !owner.get().host().equals(command.host())) {
            return replies.refusal(command, OPERATION, cmd.node(), cmd.vmid(), "not-owned", "VM " + cmd.vmid() + " was created for host " + owner.get().host()
                    + ", not " + command.host() + "; refusing to destroy it");
        }
        try {
            Optional<ClusterVm> vm = retry.run(pve::clusterVms).stream().filter(v -> v.vmid() == cmd.vmid()).findFirst();
            if (vm.isEmpty()) {
                LOG.infof("VM %d is gone already (%s)", cmd.vmid(), command.logContext());
                return gone(command, cmd.node(), cmd.vmid(), null);
            }
            ClusterVm v = vm.get();
            if (owner.get().destroyed()) {
                return replies.refusal(command, OPERATION, cmd.node(), cmd.vmid(), "not-owned", "VM " + cmd.vmid() + " ('" + v.name() + "') is not the VM"
                        + " fleetplane created for " + command.host() + " (that one was destroyed); refusing to destroy it");
            }
            if ("destroyed".equals(v.lock())) {
                LOG.infof("VM %d is being destroyed already; waiting for it to go (%s)", cmd.vmid(), command.logContext());
                return c -> tasks.insert(c, pending(command, v.node(), cmd.vmid(), null));
            }
            if (v.lock() != null) {
                return c -> replies.append(c, command, EventCatalog.PVE_OPERATION_FAILED, new dev.fleetplane.events.pve
                        .PveOperationFailed(OPERATION, v.node(), cmd.vmid(), "locked", "VM " + cmd.vmid() + " is locked ("
                        + v.lock() + "); destroy it once the lock is gone", 0, null, null, java.util.List.of(), true));
            }
            if (!"stopped".equals(v.status())) {
                return replies.refusal(command, OPERATION, cmd.node(), cmd.vmid(), "vm-running", "VM " + cmd.vmid() + " is " + v.status() + "; stop it first"
                        + " (StopVm), a running VM is never destroyed");
            }
            if (cmd.name() != null && !cmd.name().isBlank() && !cmd.name().equals(v.name())) {
                LOG.warnf("VM %d is named '%s' in Proxmox, the command says '%s'; destroying it as fleetplane's VM of %s (%s)",
                        cmd.vmid(), v.name(), cmd.name(), command.host(), command.logContext());
            }
            Upid upid = retry.run(() -> pve.delete(v.node(), cmd.vmid(), true, true));
            LOG.infof("destroy of VM %d ('%s') on %s dispatched: %s (%s)", cmd.vmid(), v.name(), v.node(), upid,
                    command.logContext());
            return c -> tasks.insert(c, pending(command, v.node(), cmd.vmid(), upid.value()));
        } catch (PveException e) {
            if (e.failure() == Failure.NOT_FOUND && e.operation().equals(OPERATION)) {
                return gone(command, cmd.node(), cmd.vmid(), null); // vanished between the listing and the DELETE
            }
            LOG.warnf("destroy VM %d failed (%s): %s", cmd.vmid(), command.logContext(), e.getMessage());
            return c -> replies.append(c, command, EventCatalog.PVE_OPERATION_FAILED,
                    OperationFailures.of(OPERATION, cmd.node(), cmd.vmid(), e));
        }
    }

    private Outcome gone(Command command, String node, int vmid, String upid) {
        return c -> {
            ownership.markDestroyed(c, vmid);
            configCache.forget(c, vmid);
            replies.append(c, command, EventCatalog.VM_DESTROYED, new VmDestroyed(node, vmid, upid));
        };
    }

    private PendingTask pending(Command command, String node, int vmid, String upid) {
        return PendingTask.forCommand(command, upid, node, vmid, OPERATION, Map.of(),
                Instant.now().plus(timeouts.destroy(command.host())));
    }
}
