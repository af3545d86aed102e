package dev.fleetplane.adapter.configure;

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
import dev.fleetplane.events.pve.ConfigureVm;
import dev.fleetplane.events.pve.VmConfigured;
import dev.fleetplane.proxmox.client.PveException;
import dev.fleetplane.proxmox.client.Upid;
import dev.fleetplane.proxmox.client.VmConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * {@code ConfigureVm}: the keys are checked ({@link ConfigPlan}), the current config is read only when net0 or OVMF
 * need it, then one synchronous {@code PUT config} (retried on lock contention) → {@code VmConfigured}; an update
 * that allocates an EFI disk goes through {@code POST config} and its {@code qmconfig} task instead.
 */
@ApplicationScoped
public class ConfigureHandler implements CommandHandler, TaskCompletion {

    public static final String OPERATION = "configure";
    private static final Logger LOG = Logger.getLogger(ConfigureHandler.class);

    @Inject
    CommandFlow flow;

    @Inject
    ConfigCache configCache;

    @Override
    public EventKind<?> kind() {
        return EventCatalog.CONFIGURE_VM;
    }

    @Override
    public Outcome handle(Command command) {
        ConfigureVm cmd = command.event().dataAs(EventCatalog.CONFIGURE_VM);
        Checks checks = Checks.of("ConfigureVm for host " + command.host()).node(cmd.node()).vmid("vmid", cmd.vmid())
                .positive("cores", cmd.cores()).check(cmd.memoryMb() >= 16, "memoryMb must be at least 16, got "
                        + cmd.memoryMb());
        Map<String, String> extra = cmd.extra() == null ? Map.of() : cmd.extra();
        ConfigPlan.problems(extra).forEach(p -> checks.check(false, p));
        return flow.run(command, OPERATION, cmd.node(), cmd.vmid(), checks, () -> {
            VmConfig current = ConfigPlan.needsCurrentConfig(extra)
                    ? flow.call(pve -> pve.config(cmd.node(), cmd.vmid())) : null;
            ConfigPlan plan;
            try {
                plan = ConfigPlan.of(cmd.cores(), cmd.memoryMb(), extra, current);
            } catch (IllegalArgumentException e) {
                return flow.refuse(command, OPERATION, cmd.node(), cmd.vmid(), "invalid-parameter",
                        "ConfigureVm for host " + command.host() + " rejected: " + e.getMessage());
            }
            if (plan.allocatesStorage()) {
                Upid upid = flow.call(pve -> pve.updateConfigAsync(cmd.node(), cmd.vmid(), plan.values()));
                LOG.infof("VM %d on %s: config update with a new volume dispatched: %s %s", cmd.vmid(), cmd.node(),
                        plan.keys(), upid);
                Outcome task = flow.follow(command, upid, cmd.node(), cmd.vmid(), OPERATION,
                        Map.of("keys", String.join(",", plan.keys())),
                        Instant.now().plus(flow.timeouts().configure(command.host())));
                return c -> {
                    configCache.forget(c, cmd.vmid());
                    task.write(c);
                };
            }
            flow.call(pve -> {
                pve.updateConfig(cmd.node(), cmd.vmid(), plan.values());
                return null;
            });
            LOG.infof("VM %d on %s configured: %s", cmd.vmid(), cmd.node(), plan.keys());
            return configured(command, cmd.node(), cmd.vmid(), plan.keys());
        });
    }

    @Override
    public Set<String> operations() {
        return Set.of(OPERATION);
    }

    @Override
    public Outcome succeeded(PendingTask task) {
        return configured(task.command(), task.node(), task.vmid(),
                List.of(task.details().getOrDefault("keys", "").split(",")));
    }

    @Override
    public Outcome failed(PendingTask task, PveException failure) {
        return flow.taskFailed(task, failure);
    }

    /** The config changed: the cached copy is forgotten, so the next inventory reads fleetplane's change back. */
    private Outcome configured(Command command, String node, int vmid, List<String> keys) {
        Outcome answer = flow.answer(command, EventCatalog.VM_CONFIGURED, new VmConfigured(node, vmid, keys));
        return c -> {
            configCache.forget(c, vmid);
            answer.write(c);
        };
    }
}
