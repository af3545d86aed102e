package dev.fleetplane.adapter.template;

import dev.fleetplane.adapter.ownership.VmOwnership;
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
import dev.fleetplane.events.pve.ConvertToTemplate;
import dev.fleetplane.events.pve.VmTemplated;
import dev.fleetplane.messaging.Database;
import dev.fleetplane.proxmox.client.PveException;
import dev.fleetplane.proxmox.client.Upid;
import dev.fleetplane.proxmox.client.VmConfig;
import dev.fleetplane.proxmox.client.VmStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * {@code ConvertToTemplate}: only a VM fleetplane created (a restored template image), never anyone else's; a VM
 * that is a template already is answered at once, a running one refused (Proxmox refuses it too, later).
 */
@ApplicationScoped
public class TemplateHandler implements CommandHandler, TaskCompletion {

    public static final String OPERATION = "template";
    private static final Logger LOG = Logger.getLogger(TemplateHandler.class);

    @Inject
    CommandFlow flow;

    @Inject
    Database database;

    @Inject
    VmOwnership ownership;

    @Inject
    ConfigCache configCache;

    @Override
    public EventKind<?> kind() {
        return EventCatalog.CONVERT_TO_TEMPLATE;
    }

    @Override
    public Outcome handle(Command command) {
        ConvertToTemplate cmd = command.event().dataAs(EventCatalog.CONVERT_TO_TEMPLATE);
        Checks checks = Checks.of("ConvertToTemplate for " + command.host()).node(cmd.node()).vmid("vmid", cmd.vmid());
        return flow.run(command, OPERATION, cmd.node(), cmd.vmid(), checks, () -> {
            var owner = database.read(c -> ownership.find(c, cmd.vmid()));
            if (owner.isEmpty() || owner.get().destroyed()) {
                return flow.refuse(command, OPERATION, cmd.node(), cmd.vmid(), "not-owned", "VM " + cmd.vmid()
                        + " was not created by fleetplane; refusing to turn it into a template");
            }
            VmConfig config = flow.call(pve -> pve.config(cmd.node(), cmd.vmid()));
            if (config.get("template").map("1"::equals).orElse(false)) {
                LOG.infof("VM %d is a template already", cmd.vmid());
                return flow.answer(command, EventCatalog.VM_TEMPLATED, new VmTemplated(cmd.node(), cmd.vmid(), null));
            }
            VmStatus status = flow.call(pve -> pve.status(cmd.node(), cmd.vmid()));
            if (status.running()) {
                return flow.refuse(command, OPERATION, cmd.node(), cmd.vmid(), "vm-running", "VM " + cmd.vmid()
                        + " is running; stop it before it becomes a template");
            }
            Upid upid = flow.call(pve -> pve.template(cmd.node(), cmd.vmid()));
            LOG.infof("VM %d becoming a template: %s", cmd.vmid(), upid);
            return flow.follow(command, upid, cmd.node(), cmd.vmid(), OPERATION, Map.of(),
                    Instant.now().plus(flow.timeouts().template(command.host())));
        });
    }

    @Override
    public Set<String> operations() {
        return Set.of(OPERATION);
    }

    @Override
    public Outcome succeeded(PendingTask task) {
        Outcome answer = flow.answer(task.command(), EventCatalog.VM_TEMPLATED,
                new VmTemplated(task.node(), task.vmid(), task.upid()));
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
