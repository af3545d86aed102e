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
import dev.fleetplane.events.pve.StopVm;
import dev.fleetplane.events.pve.VmStopped;
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

/**
 * {@code StopVm}: a stopped VM is answered at once; graceful → {@code status/shutdown} with the command's timeout
 * (the poller stops the VM hard if that task fails or outlives timeout + grace); not graceful → {@code status/stop}.
 */
@ApplicationScoped
public class StopHandler implements CommandHandler {

    public static final String SHUTDOWN = "shutdown";
    public static final String STOP = "stop";
    private static final Logger LOG = Logger.getLogger(StopHandler.class);

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
        StopVm cmd = command.event().dataAs(EventCatalog.STOP_VM);
        String operation = cmd.graceful() ? SHUTDOWN : STOP;
        Checks checks = Checks.of("StopVm for host " + command.host()).node(cmd.node()).vmid("vmid", cmd.vmid())
                .check(!cmd.graceful() || (cmd.timeoutSeconds() >= 1 && cmd.timeoutSeconds() <= 86_400),
                        "timeoutSeconds must be 1..86400 for a graceful stop, got " + cmd.timeoutSeconds())
                .check(cmd.timeoutSeconds() >= 0, "timeoutSeconds must not be negative, got " + cmd.timeoutSeconds());
        if (!checks.ok()) {
            return replies.refusal(command, operation, cmd.node(), cmd.vmid(), "invalid-parameter", checks.message());
        }
        try {
            VmStatus status = retry.run(() -> pve.status(cmd.node(), cmd.vmid()));
            if (!status.running()) {
                LOG.infof("VM %d on %s is already stopped (%s)", cmd.vmid(), cmd.node(), command.logContext());
                // Nothing had to be forced: graceful = true.
                return c -> replies.append(c, command, EventCatalog.VM_STOPPED,
                        new VmStopped(cmd.node(), cmd.vmid(), true, null));
            }
            if (cmd.graceful()) {
                Upid upid = retry.run(() -> pve.shutdown(cmd.node(), cmd.vmid(), cmd.timeoutSeconds(), false));
                LOG.infof("shutdown of VM %d on %s dispatched (timeout %d s): %s (%s)", cmd.vmid(), cmd.node(),
                        cmd.timeoutSeconds(), upid, command.logContext());
                Instant deadline = Instant.now().plusSeconds(cmd.timeoutSeconds()).plus(timeouts.shutdownGrace(command.host()));
                return c -> tasks.insert(c, PendingTask.forCommand(command, upid.value(), cmd.node(), cmd.vmid(), SHUTDOWN,
                        Map.of("timeoutSeconds", Integer.toString(cmd.timeoutSeconds())), deadline));
            }
            Upid upid = retry.run(() -> pve.stop(cmd.node(), cmd.vmid()));
            LOG.infof("hard stop of VM %d on %s dispatched: %s (%s)", cmd.vmid(), cmd.node(), upid, command.logContext());
            return c -> tasks.insert(c, PendingTask.forCommand(command, upid.value(), cmd.node(), cmd.vmid(), STOP,
                    Map.of(), Instant.now().plus(timeouts.stop(command.host()))));
        } catch (PveException e) {
            LOG.warnf("%s VM %d failed (%s): %s", operation, cmd.vmid(), command.logContext(), e.getMessage());
            return c -> replies.append(c, command, EventCatalog.PVE_OPERATION_FAILED,
                    OperationFailures.of(operation, cmd.node(), cmd.vmid(), e));
        }
    }
}
