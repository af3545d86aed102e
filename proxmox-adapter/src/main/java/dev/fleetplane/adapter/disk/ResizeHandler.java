package dev.fleetplane.adapter.disk;

import dev.fleetplane.adapter.commands.Checks;
import dev.fleetplane.adapter.commands.Command;
import dev.fleetplane.adapter.commands.CommandHandler;
import dev.fleetplane.adapter.commands.Outcome;
import dev.fleetplane.adapter.handling.CommandFlow;
import dev.fleetplane.adapter.inventory.ConfigCache;
import dev.fleetplane.adapter.task.PendingTask;
import dev.fleetplane.adapter.task.TaskCompletion;
import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.EventKind;
import dev.fleetplane.events.pve.ResizeDisk;
import dev.fleetplane.events.pve.VmResized;
import dev.fleetplane.proxmox.client.PveException;
import dev.fleetplane.proxmox.client.Upid;
import dev.fleetplane.proxmox.client.VmConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * {@code ResizeDisk}: reads the disk's size, refuses a shrink before any resize call, answers a disk already that big
 * at once (so a redelivered or repeated command is harmless), else {@code PUT resize} and leaves the {@code resize}
 * task to the poller. A command without a disk grows the VM's boot disk as its config names it (a clone boots from
 * its template's disk: {@code virtio0} for a nixos-generators image, {@code scsi0} for many others).
 */
@ApplicationScoped
public class ResizeHandler implements CommandHandler, TaskCompletion {

    public static final String OPERATION = "resize";
    private static final Logger LOG = Logger.getLogger(ResizeHandler.class);

    @Inject
    CommandFlow flow;

    @Inject
    ConfigCache configCache;

    @Override
    public EventKind<?> kind() {
        return EventCatalog.RESIZE_DISK;
    }

    @Override
    public Outcome handle(Command command) {
        ResizeDisk cmd = command.event().dataAs(EventCatalog.RESIZE_DISK);
        Checks checks = Checks.of("ResizeDisk for host " + command.host()).node(cmd.node()).vmid("vmid", cmd.vmid());
        ResizeRule.fieldProblem(cmd.disk() == null || cmd.disk().isBlank() ? null : cmd.disk(), cmd.size(), true)
                .ifPresent(p -> checks.check(false, p));
        return flow.run(command, OPERATION, cmd.node(), cmd.vmid(), checks, () -> {
            VmConfig current = flow.call(pve -> pve.config(cmd.node(), cmd.vmid()));
            Optional<String> named = Optional.ofNullable(cmd.disk()).filter(d -> !d.isBlank());
            Optional<String> resolved = named.or(current::bootDiskKey);
            if (resolved.isEmpty()) {
                return flow.refuse(command, OPERATION, cmd.node(), cmd.vmid(), "not-found", "ResizeDisk for host "
                        + command.host() + " rejected: VM " + cmd.vmid() + " has no disk to grow (its config names none)");
            }
            String disk = resolved.get();
            ResizeRule.Verdict verdict = ResizeRule.judge(cmd.vmid(), disk, cmd.size(), current);
            if (verdict instanceof ResizeRule.Verdict.Refused r) {
                return flow.refuse(command, OPERATION, cmd.node(), cmd.vmid(), r.failure(),
                        "ResizeDisk for host " + command.host() + " rejected: " + r.message());
            }
            if (verdict instanceof ResizeRule.Verdict.AlreadyThere) {
                LOG.infof("VM %d disk %s is %s already", cmd.vmid(), disk, cmd.size());
                return flow.answer(command, EventCatalog.VM_RESIZED,
                        new VmResized(cmd.node(), cmd.vmid(), disk, cmd.size(), null));
            }
            Optional<Upid> upid = flow.call(pve -> pve.resize(cmd.node(), cmd.vmid(), disk, cmd.size()));
            LOG.infof("resize of VM %d disk %s to %s dispatched: %s", cmd.vmid(), disk, cmd.size(),
                    upid.map(Upid::value).orElse("done synchronously"));
            Outcome next = upid.isEmpty()
                    ? flow.answer(command, EventCatalog.VM_RESIZED, new VmResized(cmd.node(), cmd.vmid(), disk, cmd.size(), null))
                    : flow.follow(command, upid.get(), cmd.node(), cmd.vmid(), OPERATION,
                            Map.of("disk", disk, "size", cmd.size()), Instant.now().plus(flow.timeouts().resize(command.host())));
            return c -> {
                configCache.forget(c, cmd.vmid());
                next.write(c);
            };
        });
    }

    @Override
    public Set<String> operations() {
        return Set.of(OPERATION);
    }

    @Override
    public Outcome succeeded(PendingTask task) {
        Map<String, String> d = task.details();
        Outcome answer = flow.answer(task.command(), EventCatalog.VM_RESIZED,
                new VmResized(task.node(), task.vmid(), d.get("disk"), d.get("size"), task.upid()));
        return c -> {
            configCache.forget(c, task.vmid());
            answer.write(c);
        };
    }

    @Override
    public Outcome failed(PendingTask task, PveException failure) {
        return flow.taskFailed(task, failure);
    }
}
