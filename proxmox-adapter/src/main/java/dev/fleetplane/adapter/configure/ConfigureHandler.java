package dev.fleetplane.adapter.configure;

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
import dev.fleetplane.events.pve.ConfigureVm;
import dev.fleetplane.events.pve.VmConfigured;
import dev.fleetplane.proxmox.client.ProxmoxClient;
import dev.fleetplane.proxmox.client.PveException;
import dev.fleetplane.proxmox.client.RetryPolicy;
import dev.fleetplane.proxmox.client.Upid;
import dev.fleetplane.proxmox.client.VmConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * {@code ConfigureVm}: the keys are checked ({@link ConfigPlan}), the current config is read only when net0 or OVMF
 * need it, then one synchronous {@code PUT config} (retried on lock contention) → {@code VmConfigured}; an update
 * that allocates an EFI disk goes through {@code POST config} and its {@code qmconfig} task instead.
 */
@ApplicationScoped
public class ConfigureHandler implements CommandHandler {

    public static final String OPERATION = "configure";
    private static final Logger LOG = Logger.getLogger(ConfigureHandler.class);

    @Inject
    dev.fleetplane.adapter.task.Timeouts timeouts;

    @Inject
    ProxmoxClient pve;

    @Inject
    RetryPolicy retry;

    @Inject
    Replies replies;

    @Inject
    PendingTasks tasks;

    @Inject
    ConfigCache configCache;

    @Inject
    AdapterConfig config;

    @Override
    public Outcome handle(Command command) {
        ConfigureVm cmd = command.event().dataAs(EventCatalog.CONFIGURE_VM);
        Checks checks = Checks.of("ConfigureVm for host " + command.host()).node(cmd.node()).vmid("vmid", cmd.vmid())
                .positive("cores", cmd.cores()).check(cmd.memoryMb() >= 16, "memoryMb must be at least 16, got "
                        + cmd.memoryMb());
        Map<String, String> extra = cmd.extra() == null ? Map.of() : cmd.extra();
        ConfigPlan.problems(extra).forEach(p -> checks.check(false, p));
        if (!checks.ok()) {
            return replies.refusal(command, OPERATION, cmd.node(), cmd.vmid(), "invalid-parameter", checks.message());
        }
        try {
            VmConfig current = ConfigPlan.needsCurrentConfig(extra)
                    ? retry.run(() -> pve.config(cmd.node(), cmd.vmid())) : null;
            ConfigPlan plan;
            try {
                plan = ConfigPlan.of(cmd.cores(), cmd.memoryMb(), extra, current);
            } catch (IllegalArgumentException e) {
                return replies.refusal(command, OPERATION, cmd.node(), cmd.vmid(), "invalid-parameter", "ConfigureVm for host " + command.host() + " rejected: " + e.getMessage());
            }
            if (plan.allocatesStorage()) {
                Upid upid = retry.run(() -> pve.updateConfigAsync(cmd.node(), cmd.vmid(), plan.values()));
                LOG.infof("VM %d on %s: config update with a new volume dispatched: %s %s (%s)", cmd.vmid(), cmd.node(),
                        plan.keys(), upid, command.logContext());
                return c -> {
                    configCache.forget(c, cmd.vmid());
                    tasks.insert(c, PendingTask.forCommand(command, upid.value(), cmd.node(), cmd.vmid(), OPERATION,
                            Map.of("keys", String.join(",", plan.keys())),
                            Instant.now().plus(timeouts.configure(command.host()))));
                };
            }
            retry.run(() -> {
                pve.updateConfig(cmd.node(), cmd.vmid(), plan.values());
                return null;
            });
            LOG.infof("VM %d on %s configured: %s (%s)", cmd.vmid(), cmd.node(), plan.keys(), command.logContext());
            return c -> {
                configCache.forget(c, cmd.vmid());
                replies.append(c, command, EventCatalog.VM_CONFIGURED, new VmConfigured(cmd.node(), cmd.vmid(), plan.keys()));
            };
        } catch (PveException e) {
            LOG.warnf("configure VM %d failed (%s): %s", cmd.vmid(), command.logContext(), e.getMessage());
            return c -> replies.append(c, command, EventCatalog.PVE_OPERATION_FAILED,
                    OperationFailures.of(OPERATION, cmd.node(), cmd.vmid(), e));
        }
    }
}
