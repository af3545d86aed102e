package dev.fleetplane.adapter.power;

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
import dev.fleetplane.events.pve.StartVm;
import dev.fleetplane.events.pve.VmStarted;
import dev.fleetplane.proxmox.client.ProxmoxClient;
import dev.fleetplane.proxmox.client.PveException;
import dev.fleetplane.proxmox.client.RetryPolicy;
import dev.fleetplane.proxmox.client.Upid;
import dev.fleetplane.proxmox.client.VmStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Map;
import org.jboss.logging.Logger;

/** {@code StartVm}: a running VM is answered at once; otherwise the start task is dispatched and left to the poller. */
@ApplicationScoped
public class StartHandler implements CommandHandler {

    public static final String OPERATION = "start";
    private static final Logger LOG = Logger.getLogger(StartHandler.class);

    @Inject
    dev.fleetplane.adapter.task.Timeouts timeouts;

    @Inject
    ProxmoxClient pve;

    @Inject
    RetryPolicy retry;

    @Inject
    PendingTasks tasks;

    @Inject
    Replies replies;

    @Inject
    AdapterConfig config;

    @Override
    public Outcome handle(Command command) {
        StartVm cmd = command.event().dataAs(EventCatalog.START_VM);
        Checks checks = Checks.of("StartVm for host " + command.host()).node(cmd.node()).vmid("vmid", cmd.vmid());
        if (!checks.ok()) {
            return replies.refusal(command, OPERATION, cmd.node(), cmd.vmid(), "invalid-parameter", checks.message());
        }
        try {
            VmStatus status = retry.run(() -> pve.status(cmd.node(), cmd.vmid()));
            if (status.running()) {
                LOG.infof("VM %d on %s is already running (%s)", cmd.vmid(), cmd.node(), command.logContext());
                return c -> replies.append(c, command, EventCatalog.VM_STARTED, new VmStarted(cmd.node(), cmd.vmid(), null));
            }
            Upid upid = retry.run(() -> pve.start(cmd.node(), cmd.vmid()));
            LOG.infof("start of VM %d on %s dispatched: %s (%s)", cmd.vmid(), cmd.node(), upid, command.logContext());
            return c -> tasks.insert(c, PendingTask.forCommand(command, upid.value(), cmd.node(), cmd.vmid(), OPERATION,
                    Map.of(), Instant.now().plus(timeouts.start(command.host()))));
        } catch (PveException e) {
            LOG.warnf("start VM %d failed (%s): %s", cmd.vmid(), command.logContext(), e.getMessage());
            return c -> replies.append(c, command, EventCatalog.PVE_OPERATION_FAILED,
                    OperationFailures.of(OPERATION, cmd.node(), cmd.vmid(), e));
        }
    }
}
