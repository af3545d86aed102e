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
import dev.fleetplane.events.pve.StartVm;
import dev.fleetplane.events.pve.VmStarted;
import dev.fleetplane.proxmox.client.PveException;
import dev.fleetplane.proxmox.client.Upid;
import dev.fleetplane.proxmox.client.VmStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;

/** {@code StartVm}: a running VM is answered at once; otherwise the start task is dispatched and left to the poller. */
@ApplicationScoped
public class StartHandler implements CommandHandler, TaskCompletion {

    public static final String OPERATION = "start";
    private static final Logger LOG = Logger.getLogger(StartHandler.class);

    @Inject
    CommandFlow flow;

    @Override
    public EventKind<?> kind() {
        return EventCatalog.START_VM;
    }

    @Override
    public Outcome handle(Command command) {
        StartVm cmd = command.event().dataAs(EventCatalog.START_VM);
        Checks checks = Checks.of("StartVm for host " + command.host()).node(cmd.node()).vmid("vmid", cmd.vmid());
        return flow.run(command, OPERATION, cmd.node(), cmd.vmid(), checks, () -> {
            VmStatus status = flow.call(pve -> pve.status(cmd.node(), cmd.vmid()));
            if (status.running()) {
                LOG.infof("VM %d on %s is already running", cmd.vmid(), cmd.node());
                return flow.answer(command, EventCatalog.VM_STARTED, new VmStarted(cmd.node(), cmd.vmid(), null));
            }
            Upid upid = flow.call(pve -> pve.start(cmd.node(), cmd.vmid()));
            LOG.infof("start of VM %d on %s dispatched: %s", cmd.vmid(), cmd.node(), upid);
            return flow.follow(command, upid, cmd.node(), cmd.vmid(), OPERATION, Map.of(),
                    Instant.now().plus(flow.timeouts().start(command.host())));
        });
    }

    @Override
    public Set<String> operations() {
        return Set.of(OPERATION);
    }

    @Override
    public Outcome succeeded(PendingTask task) {
        return flow.answer(task.command(), EventCatalog.VM_STARTED, new VmStarted(task.node(), task.vmid(), task.upid()));
    }

    @Override
    public Outcome failed(PendingTask task, PveException failure) {
        return flow.taskFailed(task, failure);
    }

    @Override
    public boolean failureMeansDone(PveException failure) {
        return alreadyRunning(failure);
    }

    /** Starting a VM that already runs is what the command asked for. */
    public static boolean alreadyRunning(PveException failure) {
        return failure.exitStatus() != null && failure.exitStatus().contains("already running");
    }
}
