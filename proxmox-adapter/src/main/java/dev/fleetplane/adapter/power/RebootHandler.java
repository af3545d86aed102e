package dev.fleetplane.adapter.power;

import dev.fleetplane.adapter.commands.Checks;
import dev.fleetplane.adapter.commands.Command;
import dev.fleetplane.adapter.commands.CommandHandler;
import dev.fleetplane.adapter.commands.OperationFailures;
import dev.fleetplane.adapter.commands.Outcome;
import dev.fleetplane.adapter.commands.Replies;
import dev.fleetplane.adapter.task.PendingTask;
import dev.fleetplane.adapter.task.PendingTasks;
import dev.fleetplane.adapter.task.Timeouts;
import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.pve.RebootVm;
import dev.fleetplane.proxmox.client.ProxmoxClient;
import dev.fleetplane.proxmox.client.PveException;
import dev.fleetplane.proxmox.client.RetryPolicy;
import dev.fleetplane.proxmox.client.Upid;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * {@code RebootVm}: {@code POST status/reboot} (with the command's timeout when it has one) and the {@code qmreboot}
 * task left to the poller. A stopped VM is Proxmox's refusal ({@code vm-not-running}): a reboot never starts a VM.
 */
@ApplicationScoped
public class RebootHandler implements CommandHandler {

    public static final String OPERATION = "reboot";
    private static final Logger LOG = Logger.getLogger(RebootHandler.class);

    @Inject
    Timeouts timeouts;

    @Inject
    ProxmoxClient pve;

    @Inject
    RetryPolicy retry;

    @Inject
    PendingTasks tasks;

    @Inject
    Replies replies;

    @Override
    public Outcome handle(Command command) {
        RebootVm cmd = command.event().dataAs(EventCatalog.REBOOT_VM);
        Checks checks = Checks.of("RebootVm for " + command.host()).node(cmd.node()).vmid("vmid", cmd.vmid())
                .check(cmd.timeoutSeconds() >= 0 && cmd.timeoutSeconds() <= 86_400,
                        "timeoutSeconds must be 0..86400 (0 = Proxmox's default), got " + cmd.timeoutSeconds());
        if (!checks.ok()) {
            return replies.refusal(command, OPERATION, cmd.node(), cmd.vmid(), "invalid-parameter", checks.message());
        }
        try {
            Integer timeout = cmd.timeoutSeconds() > 0 ? cmd.timeoutSeconds() : null;
            Upid upid = retry.run(() -> pve.reboot(cmd.node(), cmd.vmid(), timeout));
            LOG.infof("reboot of VM %d on %s dispatched: %s (%s)", cmd.vmid(), cmd.node(), upid, command.logContext());
            Instant deadline = Instant.now().plusSeconds(cmd.timeoutSeconds()).plus(timeouts.reboot(command.host()));
            return c -> tasks.insert(c, PendingTask.forCommand(command, upid.value(), cmd.node(), cmd.vmid(), OPERATION,
                    Map.of(), deadline));
        } catch (PveException e) {
            LOG.warnf("reboot VM %d failed (%s): %s", cmd.vmid(), command.logContext(), e.getMessage());
            return c -> replies.append(c, command, EventCatalog.PVE_OPERATION_FAILED,
                    OperationFailures.of(OPERATION, cmd.node(), cmd.vmid(), e));
        }
    }
}
