package dev.fleetplane.adapter.power;

import dev.fleetplane.adapter.commands.Checks;
import dev.fleetplane.adapter.commands.Command;
import dev.fleetplane.adapter.commands.CommandHandler;
import dev.fleetplane.adapter.commands.Outcome;
import dev.fleetplane.adapter.handling.CommandFlow;
import dev.fleetplane.adapter.task.PendingTask;
import dev.fleetplane.adapter.task.TaskCompletion;
import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.EventKind;
import dev.fleetplane.events.pve.RebootVm;
import dev.fleetplane.events.pve.VmRebooted;
import dev.fleetplane.proxmox.client.PveException;
import dev.fleetplane.proxmox.client.Upid;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * {@code RebootVm}: {@code POST status/reboot} (with the command's timeout when it has one) and the {@code qmreboot}
 * task left to the poller. A stopped VM is Proxmox's refusal ({@code vm-not-running}): a reboot never starts a VM.
 */
@ApplicationScoped
public class RebootHandler implements CommandHandler, TaskCompletion {

    public static final String OPERATION = "reboot";
    private static final Logger LOG = Logger.getLogger(RebootHandler.class);

    @Inject
    CommandFlow flow;

    @Override
    public EventKind<?> kind() {
        return EventCatalog.REBOOT_VM;
    }

    @Override
    public Outcome handle(Command command) {
        RebootVm cmd = command.event().dataAs(EventCatalog.REBOOT_VM);
        Checks checks = Checks.of("RebootVm for " + command.host()).node(cmd.node()).vmid("vmid", cmd.vmid())
                .check(cmd.timeoutSeconds() >= 0 && cmd.timeoutSeconds() <= 86_400,
                        "timeoutSeconds must be 0..86400 (0 = Proxmox's default), got " + cmd.timeoutSeconds());
        return flow.run(command, OPERATION, cmd.node(), cmd.vmid(), checks, () -> {
            Integer timeout = cmd.timeoutSeconds() > 0 ? cmd.timeoutSeconds() : null;
            Upid upid = flow.call(pve -> pve.reboot(cmd.node(), cmd.vmid(), timeout));
            LOG.infof("reboot of VM %d on %s dispatched: %s", cmd.vmid(), cmd.node(), upid);
            Instant deadline = Instant.now().plusSeconds(cmd.timeoutSeconds()).plus(flow.timeouts().reboot(command.host()));
            return flow.follow(command, upid, cmd.node(), cmd.vmid(), OPERATION, Map.of(), deadline);
        });
    }

    @Override
    public Set<String> operations() {
        return Set.of(OPERATION);
    }

    @Override
    public Outcome succeeded(PendingTask task) {
        return flow.answer(task.command(), EventCatalog.VM_REBOOTED, new VmRebooted(task.node(), task.vmid(), task.upid()));
    }

    @Override
    public Outcome failed(PendingTask task, PveException failure) {
        return flow.taskFailed(task, failure);
    }
}
