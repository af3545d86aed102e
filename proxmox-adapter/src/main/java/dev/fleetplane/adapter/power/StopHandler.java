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
import dev.fleetplane.events.pve.StopVm;
import dev.fleetplane.events.pve.VmStopped;
import dev.fleetplane.proxmox.client.PveException;
import dev.fleetplane.proxmox.client.Upid;
import dev.fleetplane.proxmox.client.VmStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * {@code StopVm}: a stopped VM is answered at once; graceful → {@code status/shutdown} with the command's timeout
 * (if that task fails or outlives timeout + grace, the VM is stopped hard and the stop task takes the row's place);
 * not graceful → {@code status/stop}.
 */
@ApplicationScoped
public class StopHandler implements CommandHandler, TaskCompletion {

    public static final String SHUTDOWN = "shutdown";
    public static final String STOP = "stop";
    private static final Logger LOG = Logger.getLogger(StopHandler.class);

    @Inject
    CommandFlow flow;

    @Override
    public EventKind<?> kind() {
        return EventCatalog.STOP_VM;
    }

    @Override
    public Outcome handle(Command command) {
        StopVm cmd = command.event().dataAs(EventCatalog.STOP_VM);
        String operation = cmd.graceful() ? SHUTDOWN : STOP;
        Checks checks = Checks.of("StopVm for host " + command.host()).node(cmd.node()).vmid("vmid", cmd.vmid())
                .check(!cmd.graceful() || (cmd.timeoutSeconds() >= 1 && cmd.timeoutSeconds() <= 86_400),
                        "timeoutSeconds must be 1..86400 for a graceful stop, got " + cmd.timeoutSeconds())
                .check(cmd.timeoutSeconds() >= 0, "timeoutSeconds must not be negative, got " + cmd.timeoutSeconds());
        return flow.run(command, operation, cmd.node(), cmd.vmid(), checks, () -> {
            VmStatus status = flow.call(pve -> pve.status(cmd.node(), cmd.vmid()));
            if (!status.running()) {
                LOG.infof("VM %d on %s is already stopped", cmd.vmid(), cmd.node());
                // Nothing had to be forced: graceful = true.
                return flow.answer(command, EventCatalog.VM_STOPPED, new VmStopped(cmd.node(), cmd.vmid(), true, null));
            }
            if (cmd.graceful()) {
                Upid upid = flow.call(pve -> pve.shutdown(cmd.node(), cmd.vmid(), cmd.timeoutSeconds(), false));
                LOG.infof("shutdown of VM %d on %s dispatched (timeout %d s): %s", cmd.vmid(), cmd.node(),
                        cmd.timeoutSeconds(), upid);
                Instant deadline = Instant.now().plusSeconds(cmd.timeoutSeconds())
                        .plus(flow.timeouts().shutdownGrace(command.host()));
                return flow.follow(command, upid, cmd.node(), cmd.vmid(), SHUTDOWN,
                        Map.of("timeoutSeconds", Integer.toString(cmd.timeoutSeconds())), deadline);
            }
            Upid upid = flow.call(pve -> pve.stop(cmd.node(), cmd.vmid()));
            LOG.infof("hard stop of VM %d on %s dispatched: %s", cmd.vmid(), cmd.node(), upid);
            return flow.follow(command, upid, cmd.node(), cmd.vmid(), STOP, Map.of(),
                    Instant.now().plus(flow.timeouts().stop(command.host())));
        });
    }

    @Override
    public Set<String> operations() {
        return Set.of(SHUTDOWN, STOP);
    }

    /** {@code graceful} = the shutdown did it, no hard stop was needed. */
    @Override
    public Outcome succeeded(PendingTask task) {
        return flow.answer(task.command(), EventCatalog.VM_STOPPED,
                new VmStopped(task.node(), task.vmid(), task.operation().equals(SHUTDOWN), task.upid()));
    }

    /**
     * A graceful shutdown that failed or outlived its time is not the answer: the VM is stopped hard and the stop task
     * takes the row's place (same command, so the answer is still {@code VmStopped}).
     */
    @Override
    public Outcome failed(PendingTask task, PveException failure) {
        if (!task.operation().equals(SHUTDOWN)) {
            return flow.taskFailed(task, failure);
        }
        LOG.infof("graceful shutdown of VM %d did not finish (%s); stopping it hard (shutdown task %s)", task.vmid(),
                failure.getMessage(), task.upid());
        Upid stop;
        try {
            stop = flow.call(pve -> pve.stop(task.node(), task.vmid()));
        } catch (PveException e) {
            LOG.warnf("hard stop of VM %d failed too: %s", task.vmid(), e.getMessage());
            return flow.taskFailed(task, e);
        }
        return flow.follow(new PendingTask(0, stop.value(), task.node(), task.vmid(), STOP, task.commandEventId(),
                task.commandType(), task.host(), task.kafkaKey(), task.correlationId(), Map.of("after", "shutdown failed"),
                Instant.now().plus(flow.timeouts().stop(task.host())), Instant.now()));
    }
}
