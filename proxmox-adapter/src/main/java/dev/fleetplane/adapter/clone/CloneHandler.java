package dev.fleetplane.adapter.clone;

import dev.fleetplane.adapter.commands.Checks;
import dev.fleetplane.adapter.commands.Command;
import dev.fleetplane.adapter.commands.CommandHandler;
import dev.fleetplane.adapter.commands.OperationFailures;
import dev.fleetplane.adapter.commands.Outcome;
import dev.fleetplane.adapter.commands.Replies;
import dev.fleetplane.adapter.config.AdapterConfig;
import dev.fleetplane.adapter.task.PendingTask;
import dev.fleetplane.adapter.task.PendingTasks;
import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.pve.CloneVm;
import dev.fleetplane.events.pve.VmCloned;
import dev.fleetplane.messaging.Database;
import dev.fleetplane.proxmox.client.CloneRequest;
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
import java.util.Objects;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * {@code CloneVm}, idempotently: a VMID that exists is answered again if fleetplane cloned it for this
 * host, refused if anyone else holds it (never destroyed); otherwise the VMID is claimed in
 * {@code vm_ownership}, the clone is dispatched and its UPID stored for the task poller.
 */
@ApplicationScoped
public class CloneHandler implements CommandHandler {

    static final String OPERATION = "clone";
    private static final Logger LOG = Logger.getLogger(CloneHandler.class);

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
    Replies replies;

    @Inject
    AdapterConfig config;

    @Override
    public Outcome handle(Command command) {
        CloneVm cmd = command.event().dataAs(EventCatalog.CLONE_VM);
        Checks checks = Checks.of("CloneVm for host " + command.host())
                .node(cmd.node()).vmid("templateVmid", cmd.templateVmid()).vmid("vmid", cmd.vmid())
                .dnsName("name", cmd.name())
                .check(cmd.vmid() != cmd.templateVmid(), "vmid " + cmd.vmid() + " is the template itself")
                .check(cmd.full() || cmd.targetStorage() == null || cmd.targetStorage().isBlank(),
                        "targetStorage '" + cmd.targetStorage() + "' is only allowed for full clones");
        if (!checks.ok()) {
            return fail(command, cmd, OperationFailures.refused(OPERATION, cmd.node(), cmd.vmid(), "invalid-parameter",
                    checks.message()));
        }
        try {
            Optional<ClusterVm> existing = retry.run(pve::clusterVms).stream()
                    .filter(v -> v.vmid() == cmd.vmid()).findFirst();
            if (existing.isPresent()) {
                return alreadyThere(command, cmd, existing.get());
            }
            database.inTransaction(c -> {
                ownership.claim(c, cmd.vmid(), cmd.node(), command.event().id(), command.host());
                return null;
            });
            Optional<Upid> dispatched = dispatch(cmd);
            String upid = dispatched.map(Upid::value).orElse(null);
            LOG.infof("clone %d -> %d (%s) dispatched on %s: %s (%s)", cmd.templateVmid(), cmd.vmid(), cmd.name(),
                    cmd.node(), upid == null ? "answer lost, waiting for the VM's lock" : upid, command.logContext());
            return c -> {
                ownership.recordTask(c, cmd.vmid(), upid);
                tasks.insert(c, pending(command, cmd, upid));
            };
        } catch (PveException e) {
            LOG.warnf("clone %d -> %d failed (%s): %s", cmd.templateVmid(), cmd.vmid(), command.logContext(),
                    e.getMessage());
            // Without an HTTP answer the clone may have started: keep the claim so a retry recognises the VM as ours.
            boolean surelyNotStarted = e.httpStatus() != 0;
            return c -> {
                if (surelyNotStarted) {
                    ownership.release(c, cmd.vmid(), command.event().id());
                }
                replies.append(c, command, EventCatalog.PVE_OPERATION_FAILED,
                        OperationFailures.of(OPERATION, cmd.node(), cmd.vmid(), e));
            };
        }
    }

    /**
     * Retries lock contention and transient trouble. Empty means an earlier attempt's answer was lost and
     * a later one hit "already exists": our clone is running, so wait for the VM's lock instead of a UPID.
     */
    private Optional<Upid> dispatch(CloneVm cmd) {
        CloneRequest request = new CloneRequest(cmd.vmid(), cmd.name(), cmd.full(),
                cmd.full() ? blankToNull(cmd.targetStorage()) : null);
        boolean answerLost = false;
        for (int attempt = 1; ; attempt++) {
            try {
                return Optional.of(pve.clone(cmd.node(), cmd.templateVmid(), request));
            } catch (PveException e) {
                if (e.failure() == Failure.ALREADY_EXISTS && answerLost) {
                    return Optional.empty();
                }
                answerLost |= e.httpStatus() == 0;
                if (!e.retryable() || attempt >= retry.attempts()) {
                    throw e;
                }
                pause(retry.delay(attempt));
            }
        }
    }

    private Outcome alreadyThere(Command command, CloneVm cmd, ClusterVm vm) {
        var owner = database.read(c -> ownership.find(c, cmd.vmid()));
        boolean ours = owner.filter(o -> !o.destroyed()).filter(o -> o.commandId().equals(command.event().id())
                || (o.host() != null && Objects.equals(o.host(), command.host()))).isPresent();
        if (!ours) {
            String message = owner.isEmpty() || owner.get().destroyed()
                    ? "VMID " + cmd.vmid() + " is held by a VM fleetplane did not create ('" + vm.name() + "' on node "
                    + vm.node() + "); refusing to touch it"
                    : "VMID " + cmd.vmid() + " is held by host " + owner.get().host() + "'s VM (cloned by command "
                    + owner.get().commandId() + "); refusing to reuse it for host " + command.host();
            LOG.warnf("%s (%s)", message, command.logContext());
            return fail(command, cmd, OperationFailures.refused(OPERATION, vm.node(), cmd.vmid(), "already-exists", message));
        }
        String upid = owner.get().upid();
        if (vm.lock() != null) {
            LOG.infof("VMID %d is ours and still locked (%s); waiting for it (%s)", cmd.vmid(), vm.lock(),
                    command.logContext());
            return c -> tasks.insert(c, pending(command, cmd, upid));
        }
        LOG.infof("VMID %d was already cloned by fleetplane for %s; answering again (%s)", cmd.vmid(), command.host(),
                command.logContext());
        VmCloned done = new VmCloned(vm.node(), cmd.vmid(), vm.name(), cmd.templateVmid(), upid);
        return c -> replies.append(c, command, EventCatalog.VM_CLONED, done);
    }

    private PendingTask pending(Command command, CloneVm cmd, String upid) {
        return PendingTask.forCommand(command, upid, cmd.node(), cmd.vmid(), OPERATION,
                Map.of("name", cmd.name() == null ? "" : cmd.name(), "templateVmid", Integer.toString(cmd.templateVmid())),
                Instant.now().plus(config.tasks().cloneTimeout()));
    }

    private Outcome fail(Command command, CloneVm cmd, dev.fleetplane.events.pve.PveOperationFailed failure) {
        return c -> replies.append(c, command, EventCatalog.PVE_OPERATION_FAILED, failure);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static void pause(java.time.Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
