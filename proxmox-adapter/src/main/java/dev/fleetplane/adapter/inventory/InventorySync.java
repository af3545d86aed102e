package dev.fleetplane.adapter.inventory;

import dev.fleetplane.adapter.commands.Command;
import dev.fleetplane.adapter.commands.CommandHandler;
import dev.fleetplane.adapter.commands.OperationFailures;
import dev.fleetplane.adapter.commands.Outcome;
import dev.fleetplane.adapter.commands.Replies;
import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.pve.InventoryObserved;
import dev.fleetplane.events.pve.ObservedVm;
import dev.fleetplane.proxmox.client.ClusterVm;
import dev.fleetplane.proxmox.client.ProxmoxClient;
import dev.fleetplane.proxmox.client.PveException;
import dev.fleetplane.proxmox.client.RetryPolicy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import org.jboss.logging.Logger;

/** {@code SyncInventory}: one {@code GET /cluster/resources?type=vm}, published as {@code InventoryObserved}. */
@ApplicationScoped
public class InventorySync implements CommandHandler {

    private static final Logger LOG = Logger.getLogger(InventorySync.class);

    @Inject
    ProxmoxClient pve;

    @Inject
    RetryPolicy retry;

    @Inject
    Replies replies;

    @Override
    public Outcome handle(Command command) {
        try {
            List<ClusterVm> guests = retry.run(pve::clusterVms);
            List<ObservedVm> vms = InventoryDigest.observed(guests);
            String digest = InventoryDigest.digest(vms);
            LOG.infof("inventory: %d QEMU guests, digest %s (%s)", vms.size(), digest, command.logContext());
            var payload = new InventoryObserved(pve.connection().baseUrl().toString(), vms, digest);
            return c -> replies.append(c, command, EventCatalog.INVENTORY_OBSERVED, payload);
        } catch (PveException e) {
            LOG.warnf("inventory failed (%s): %s", command.logContext(), e.getMessage());
            return c -> replies.append(c, command, EventCatalog.PVE_OPERATION_FAILED,
                    OperationFailures.of("inventory", null, 0, e));
        }
    }
}
