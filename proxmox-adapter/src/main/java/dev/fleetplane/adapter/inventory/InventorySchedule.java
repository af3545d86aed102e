package dev.fleetplane.adapter.inventory;

import dev.fleetplane.adapter.config.AdapterConfig;
import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.pve.InventoryObserved;
import dev.fleetplane.messaging.Database;
import dev.fleetplane.messaging.EventSource;
import dev.fleetplane.messaging.Outbox;
import dev.fleetplane.messaging.WorkLoop;
import dev.fleetplane.proxmox.client.PveException;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.jboss.logging.Logger;

/**
 * Publishes the inventory on a schedule ({@code fleetplane.adapter.inventory.publish-interval}), besides on demand
 * ({@code SyncInventory}): one replica looks per round, and a fleet whose digest did not change since the last
 * publication (scheduled or on demand) is published again only after {@code publish-unchanged-after}, so the audit
 * log records changes, plus a heartbeat, not one identical snapshot per round.
 */
@ApplicationScoped
public class InventorySchedule {

    private static final Logger LOG = Logger.getLogger(InventorySchedule.class);
    /** Subject and Kafka key of scheduled inventories: they are about the whole cluster, not one host or node. */
    public static final String SUBJECT = "cluster";

    @Inject
    InventorySync sync;

    @Inject
    Database database;

    @Inject
    Outbox outbox;

    @Inject
    EventSource source;

    @Inject
    AdapterConfig config;

    private final WorkLoop loop = new WorkLoop("pve-inventory-schedule", this::round);

    void start(@Observes StartupEvent ignored) {
        Duration interval = config.inventory().publishInterval();
        if (interval.isZero() || interval.isNegative()) {
            LOG.info("scheduled inventory off (fleetplane.adapter.inventory.publish-interval = " + interval + ")");
            return;
        }
        LOG.infof("scheduled inventory every %s; an unchanged fleet again after %s", interval,
                config.inventory().publishUnchangedAfter());
        loop.start();
    }

    void stop(@Observes ShutdownEvent ignored) {
        loop.stop(Duration.ofSeconds(5));
    }

    private Duration round() {
        Duration interval = config.inventory().publishInterval();
        try {
            if (database.inTransaction(c -> claim(c, interval))) {
                publish();
            }
        } catch (RuntimeException e) {
            // Proxmox or PostgreSQL away: the next round tries again; nothing was published or half-stored.
            LOG.warnf("scheduled inventory failed, next try in %s: %s", interval, e.getMessage());
        }
        return interval;
    }

    private void publish() {
        InventorySync.Observation seen;
        try {
            seen = sync.observe("scheduled");
        } catch (PveException e) {
            LOG.warnf("scheduled inventory: %s", e.getMessage());
            return;
        }
        InventoryObserved payload = seen.payload();
        boolean published = database.inTransaction(c -> {
            seen.remember(c);
            if (!due(c, payload.digest(), config.inventory().publishUnchangedAfter())) {
                return false;
            }
            FleetEvent event = FleetEvent.create(EventCatalog.INVENTORY_OBSERVED, source.uri(), SUBJECT, payload, null);
            outbox.append(c, SUBJECT, event);
            recordPublished(c, payload.digest());
            return true;
        });
        if (published) {
            LOG.infof("scheduled inventory published: %d VMs, digest %s", payload.vms().size(), payload.digest());
        }
    }

    /**
     * Takes this round for this replica: true when no replica looked within 90% of {@code interval} (the slack keeps
     * two replicas' rounds from skipping each other forever on timer jitter).
     */
    static boolean claim(Connection c, Duration interval) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE inventory_schedule SET polled_at = now() WHERE id = 1"
                + " AND (polled_at IS NULL OR polled_at < now() - make_interval(secs => ?))")) {
            ps.setDouble(1, interval.toMillis() * 0.9 / 1000.0);
            return ps.executeUpdate() == 1;
        }
    }

    /** Whether {@code digest} should be published now: it changed, or the last publication is older than {@code unchangedAfter}. */
    static boolean due(Connection c, String digest, Duration unchangedAfter) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT digest, published_at FROM inventory_schedule WHERE id = 1 FOR UPDATE");
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return true;
            }
            Timestamp at = rs.getTimestamp(2);
            return !Objects.equals(rs.getString(1), digest) || at == null
                    || at.toInstant().plus(unchangedAfter).isBefore(Instant.now());
        }
    }

    /** Notes a publication, scheduled or on demand, so the schedule does not repeat an unchanged fleet. */
    static void recordPublished(Connection c, String digest) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE inventory_schedule SET digest = ?, published_at = now() WHERE id = 1")) {
            ps.setString(1, digest);
            ps.executeUpdate();
        }
    }
}
