package dev.fleetplane.planner.plan;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.Json;
import dev.fleetplane.events.pve.InventoryObserved;
import dev.fleetplane.events.pve.ObservedVm;
import dev.fleetplane.events.pve.SyncInventory;
import dev.fleetplane.messaging.Database;
import dev.fleetplane.planner.Publisher;
import dev.fleetplane.planner.Sql;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Fresh inventories for callers that wait (an online plan, an apply's staleness check): publishes
 * {@code SyncInventory}, and the {@code InventoryObserved} caused by it is written into the request's row by
 * whichever planner consumes it, so the waiter (on any replica) finds it in PostgreSQL. One Proxmox call each.
 */
@ApplicationScoped
public class InventoryRequests {

    private static final Logger LOG = Logger.getLogger(InventoryRequests.class);
    private static final long POLL_MILLIS = 50;

    /** What the adapter saw. */
    public record Observation(String digest, List<ObservedVm> vms) {
    }

    /** No answer in time: the adapter is down, or Proxmox does not answer. */
    public static class UnavailableException extends RuntimeException {
        public UnavailableException(String message) {
            super(message);
        }
    }

    @Inject
    Database database;

    @Inject
    Publisher publisher;

    @Inject
    PlansConfig config;

    /** Asks for the inventory of {@code node} and waits (bounded) for it; call outside any transaction. */
    public Observation fetch(String fleet, String node, String purpose, String correlationId) {
        String syncId = database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM inventory_request WHERE requested_at < now() - interval '1 hour'")) {
                ps.executeUpdate();
            }
            FleetEvent sync = publisher.publish(c, node, EventCatalog.SYNC_INVENTORY, node, new SyncInventory(purpose),
                    correlationId, null);
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO inventory_request (sync_event_id, fleet, purpose) VALUES (?, ?, ?)")) {
                ps.setString(1, sync.id());
                ps.setString(2, fleet);
                ps.setString(3, purpose);
                ps.executeUpdate();
            }
            return sync.id();
        });
        long deadline = System.nanoTime() + config.inventoryTimeout().toNanos();
        while (true) {
            Optional<Observation> seen = database.read(c -> find(c, syncId));
            if (seen.isPresent()) {
                return seen.get();
            }
            if (System.nanoTime() > deadline) {
                throw new UnavailableException("no inventory from the proxmox-adapter within "
                        + config.inventoryTimeout().toSeconds() + " s (SyncInventory " + syncId + " for node " + node
                        + " on pve.commands); is the proxmox-adapter running and Proxmox reachable?");
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UnavailableException("interrupted while waiting for the inventory");
            }
        }
    }

    /** Stores an {@code InventoryObserved} when someone waits for it; false when nobody asked (not ours). */
    public boolean answer(Connection c, FleetEvent event) throws SQLException {
        if (event.causationId() == null) {
            return false;
        }
        InventoryObserved inventory = event.dataAs(EventCatalog.INVENTORY_OBSERVED);
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE inventory_request SET observed_at = now(), digest = ?, vms = ?::jsonb
                WHERE sync_event_id = ? AND observed_at IS NULL""")) {
            ps.setString(1, inventory.digest());
            ps.setString(2, Sql.json(inventory.vms() == null ? List.of() : inventory.vms()));
            ps.setString(3, event.causationId());
            boolean ours = ps.executeUpdate() == 1;
            if (ours) {
                LOG.debugf("inventory answers request %s", event.causationId());
            }
            return ours;
        }
    }

    private static Optional<Observation> find(Connection c, String syncId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT digest, vms FROM inventory_request WHERE sync_event_id = ? AND observed_at IS NOT NULL")) {
            ps.setString(1, syncId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                List<ObservedVm> vms = Json.MAPPER.convertValue(Sql.tree(rs.getString("vms")),
                        new TypeReference<List<ObservedVm>>() { });
                return Optional.of(new Observation(rs.getString("digest"), vms));
            }
        }
    }
}
