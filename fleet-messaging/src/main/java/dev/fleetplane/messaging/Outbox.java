package dev.fleetplane.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.fleetplane.events.EventKind;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.Json;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;

/**
 * Writes events to publish into the outbox table, inside the caller's transaction; {@link OutboxRelay}
 * publishes them after commit. Nothing a service announces can be lost or announced without its state change.
 */
@ApplicationScoped
public class Outbox {

    /** Queues {@code event} for the topic of its kind, keyed by {@code key}. */
    public void append(Connection c, String key, FleetEvent event) throws SQLException {
        EventKind<?> kind = dev.fleetplane.events.EventCatalog.byType(event.type())
                .orElseThrow(() -> new IllegalArgumentException("unknown event type " + event.type()));
        append(c, kind.topic(), key, event);
    }

    public void append(Connection c, String topic, String key, FleetEvent event) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO outbox (event_id, topic, kafka_key, type, source, subject, time, correlation_id, causation_id, data)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)""")) {
            ps.setString(1, event.id());
            ps.setString(2, topic);
            ps.setString(3, key);
            ps.setString(4, event.type());
            ps.setString(5, event.source());
            ps.setString(6, event.subject());
            ps.setTimestamp(7, Timestamp.from(event.time().toInstant()));
            ps.setString(8, event.correlationId());
            ps.setString(9, event.causationId());
            ps.setString(10, json(event));
            ps.executeUpdate();
        }
    }

    private static String json(FleetEvent event) {
        try {
            return Json.MAPPER.writeValueAsString(event.data());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("event data of " + event.type() + " cannot be written", e);
        }
    }
}
