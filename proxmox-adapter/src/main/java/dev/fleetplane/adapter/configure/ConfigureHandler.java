package dev.fleetplane.adapter.configure;

import dev.fleetplane.adapter.commands.Checks;
import dev.fleetplane.adapter.commands.Command;
import dev.fleetplane.adapter.commands.CommandHandler;
import dev.fleetplane.adapter.commands.OperationFailures;
import dev.fleetplane.adapter.commands.Outcome;
import dev.fleetplane.adapter.commands.Replies;
import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.pve.ConfigureVm;
import dev.fleetplane.events.pve.VmConfigured;
import dev.fleetplane.proxmox.client.ProxmoxClient;
import dev.fleetplane.proxmox.client.PveException;
import dev.fleetplane.proxmox.client.RetryPolicy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/** {@code ConfigureVm}: one synchronous {@code PUT config} (retried on lock contention) → {@code VmConfigured}. */
@ApplicationScoped
public class ConfigureHandler implements CommandHandler {

    static final String OPERATION = "configure";
    private static final Logger LOG = Logger.getLogger(ConfigureHandler.class);

    @Inject
    ProxmoxClient pve;

    @Inject
    RetryPolicy retry;

    @Inject
    Replies replies;

    @Override
    public Outcome handle(Command command) {
        ConfigureVm cmd = command.event().dataAs(EventCatalog.CONFIGURE_VM);
        Checks checks = Checks.of("ConfigureVm for host " + command.host()).node(cmd.node()).vmid("vmid", cmd.vmid())
                .positive("cores", cmd.cores()).check(cmd.memoryMb() >= 16, "memoryMb must be at least 16, got "
                        + cmd.memoryMb());
        Map<String, String> extra = cmd.extra() == null ? Map.of() : cmd.extra();
        extra.keySet().forEach(checks::configKey);
        for (String reserved : List.of("cores", "memory", "vmid", "node", "digest", "skiplock")) {
            checks.check(!extra.containsKey(reserved), "extra key '" + reserved + "' is not allowed"
                    + (reserved.equals("cores") || reserved.equals("memory") ? " (use the typed field)" : ""));
        }
        if (!checks.ok()) {
            return c -> replies.append(c, command, EventCatalog.PVE_OPERATION_FAILED,
                    OperationFailures.refused(OPERATION, cmd.node(), cmd.vmid(), "invalid-parameter", checks.message()));
        }
        Map<String, String> values = ConfigValues.of(cmd.cores(), cmd.memoryMb(), extra);
        try {
            retry.run(() -> {
                pve.updateConfig(cmd.node(), cmd.vmid(), values);
                return null;
            });
            List<String> keys = new ArrayList<>(values.keySet());
            LOG.infof("VM %d on %s configured: %s (%s)", cmd.vmid(), cmd.node(), keys, command.logContext());
            return c -> replies.append(c, command, EventCatalog.VM_CONFIGURED, new VmConfigured(cmd.node(), cmd.vmid(), keys));
        } catch (PveException e) {
            LOG.warnf("configure VM %d failed (%s): %s", cmd.vmid(), command.logContext(), e.getMessage());
            return c -> replies.append(c, command, EventCatalog.PVE_OPERATION_FAILED,
                    OperationFailures.of(OPERATION, cmd.node(), cmd.vmid(), e));
        }
    }
}
