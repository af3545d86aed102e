package dev.fleetplane.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetplane.events.CloudEventsKafkaCodec;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.Json;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Publishes outbox rows to Kafka in commit order and deletes them once the broker acknowledged them.
 * Publication is at-least-once (a crash between ack and delete republishes); every consumer dedupes by
 * event id. Rows are claimed with {@code FOR UPDATE SKIP LOCKED} so replicas of a service share the work.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final int BATCH = 200;

    @Inject
    DataSource dataSource;

    @Inject
    KafkaProducerProvider producers;

    @Inject
    FleetMetrics metrics;

    /** How long the relay sleeps when nobody wakes it (a commit wakes it at once). */
    @ConfigProperty(name = "fleetplane.outbox.poll-interval", defaultValue = "PT0.5S")
    Duration pollInterval;

    @ConfigProperty(name = "fleetplane.outbox.enabled", defaultValue = "true")
    boolean enabled;

    private final WorkLoop loop = new WorkLoop("outbox-relay", this::round);
    private long backoffMillis = 100;

    void start(@Observes StartupEvent ignored) {
        metrics.outboxBacklog(this::backlog);
        if (enabled) {
            loop.start();
        }
    }

    void stop(@Observes ShutdownEvent ignored) {
        loop.stop(Duration.ofSeconds(5));
    }

    /** Called after every commit that may have written outbox rows. */
    public void wake() {
        loop.wake();
    }

    /** Publishes a batch; at once again while batches are full, after the poll interval when idle, backing off on failure. */
    private Duration round() {
        try {
            int published = publishBatch();
            backoffMillis = 100;
            return published < BATCH ? pollInterval : Duration.ZERO;
        } catch (Exception e) {
            LOG.warnf("outbox: publishing failed, retrying in %d ms: %s", backoffMillis, e.getMessage());
            Duration pause = Duration.ofMillis(backoffMillis);
            backoffMillis = Math.min(backoffMillis * 2, 5000);
            return pause;
        }
    }

    /**
     * The rows waiting now, counted when Prometheus scrapes (the table is small: rows live until the broker's ack).
     * NaN when the database does not answer, which a dashboard shows as a gap rather than as an empty outbox.
     */
    double backlog() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM outbox");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            LOG.debugf("outbox backlog not counted: %s", e.getMessage());
            return Double.NaN;
        }
    }

    /** Publishes up to one batch; returns how many rows went out. */
    int publishBatch() throws Exception {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                List<Long> seqs = new ArrayList<>();
                List<Future<RecordMetadata>> acks = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("""
                        SELECT seq, event_id, topic, kafka_key, type, source, subject, time, correlation_id, causation_id, data
                        FROM outbox ORDER BY seq LIMIT ? FOR UPDATE SKIP LOCKED""")) {
                    ps.setInt(1, BATCH);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            seqs.add(rs.getLong("seq"));
                            acks.add(producers.get().send(record(rs)));
                        }
                    }
                }
                if (seqs.isEmpty()) {
                    c.rollback();
                    return 0;
                }
                for (Future<RecordMetadata> ack : acks) {
                    ack.get(30, TimeUnit.SECONDS);
                }
                try (PreparedStatement del = c.prepareStatement("DELETE FROM outbox WHERE seq = ANY (?)")) {
                    del.setArray(1, c.createArrayOf("bigint", seqs.toArray()));
                    del.executeUpdate();
                }
                c.commit();
                return seqs.size();
            } catch (Exception e) {
                c.rollback();
                throw e;
            }
        }
    }

    private static ProducerRecord<String, byte[]> record(ResultSet rs) throws SQLException {
        JsonNode data;
        try {
            data = Json.MAPPER.readTree(rs.getString("data"));
        } catch (java.io.IOException e) {
            throw new SQLException("outbox row " + rs.getLong("seq") + " holds unreadable JSON", e);
        }
        FleetEvent event = new FleetEvent(rs.getString("event_id"), rs.getString("type"), rs.getString("source"),
                rs.getString("subject"), rs.getTimestamp("time").toInstant().atOffset(ZoneOffset.UTC),
                rs.getString("correlation_id"), rs.getString("causation_id"), data);
        return CloudEventsKafkaCodec.toRecord(rs.getString("topic"), rs.getString("kafka_key"), event);
    }
}
