package dev.fleetplane.adapter.template;

import dev.fleetplane.adapter.clone.VmOwnership;
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
import dev.fleetplane.events.pve.ConvertToTemplate;
import dev.fleetplane.events.pve.VmTemplated;
import dev.fleetplane.messaging.Database;
import dev.fleetplane.proxmox.client.ProxmoxClient;
import dev.fleetplane.proxmox.client.PveException;
import dev.fleetplane.proxmox.client.RetryPolicy;
import dev.fleetplane.proxmox.client.Upid;
import dev.fleetplane.proxmox.client.VmConfig;
import dev.fleetplane.proxmox.client.VmStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * {@code ConvertToTemplate}: only a VM fleetplane created (a restored template image), never anyone else's; a VM
 * that is a template already is answered at once, a running one refused (Proxmox refuses it too, later).
 */
@ApplicationScoped
public class TemplateHandler implements CommandHandler {

    public static final String OPERATION = "template";
    private static final Logger LOG = Logger.getLogger(TemplateHandler.class);

    @Inject
    ProxmoxClient pve;

    @Inject
    RetryPolicy retry;

    @Inject
    Database database;

    @Inject
    VmOwnership ownership;

    @Inject
    PendingTasks tasks;

    @Inject
    Replies replies;

    @Inject
    Timeouts timeouts;

    @Override
    public Outcome handle(Command command) {
        ConvertToTemplate cmd = command.event().dataAs(EventCatalog.CONVERT_TO_TEMPLATE);
        Checks checks = Checks.of("ConvertToTemplate for " + command.host()).node(cmd.node()).vmid("vmid", cmd.vmid());
        if (!checks.ok()) {
            return replies.refusal(command, OPERATION, cmd.node(), cmd.vmid(), "invalid-parameter", checks.message());
        }
        var owner = database.read(c -> ownership.find(c, cmd.vmid()));
        if (owner.isEmpty() || owner.get().destroyed()) {
            return replies.refusal(command, OPERATION, cmd.node(), cmd.vmid(), "not-owned", "VM " + cmd.vmid()
                    + " was not created by fleetplane; refusing to turn it into a template");
        }
        try {
            VmConfig config = retry.run(() -> pve.config(cmd.node(), cmd.vmid()));
            if (config.get("template").map("1"::equals).orElse(false)) {
                LOG.infof("VM %d is a template already (%s)", cmd.vmid(), command.logContext());
                return c -> replies.append(c, command, EventCatalog.VM_TEMPLATED,
                        new VmTemplated(cmd.node(), cmd.vmid(), null));
            }
            VmStatus status = retry.run(() -> pve.status(cmd.node(), cmd.vmid()));
            if (status.running()) {
                return replies.refusal(command, OPERATION, cmd.node(), cmd.vmid(), "vm-running", "VM " + cmd.vmid()
                        + " is running; stop it before it becomes a template");
            }
            Upid upid = retry.run(() -> pve.template(cmd.node(), cmd.vmid()));
            LOG.infof("VM %d becoming a template: %s (%s)", cmd.vmid(), upid, command.logContext());
            PendingTask task = PendingTask.forCommand(command, upid.value(), cmd.node(), cmd.vmid(), OPERATION,
                    Map.of(), Instant.now().plus(timeouts.template(command.host())));
            return c -> tasks.insert(c, task);
        } catch (PveException e) {
            LOG.warnf("template of VM %d failed (%s): %s", cmd.vmid(), command.logContext(), e.getMessage());
            return c -> replies.append(c, command, EventCatalog.PVE_OPERATION_FAILED,
                    OperationFailures.of(OPERATION, cmd.node(), cmd.vmid(), e));
        }
    }
}
