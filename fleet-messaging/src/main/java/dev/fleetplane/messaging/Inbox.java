package dev.fleetplane.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Remembers which events a consumer has handled, so a redelivered event changes nothing. */
@ApplicationScoped
public class Inbox {

    /** Records the event as handled; false when it already was (the caller then does nothing). */
    public boolean firstDelivery(Connection c, String consumer, String eventId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO processed_event (consumer, event_id) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
            ps.setString(1, consumer);
            ps.setString(2, eventId);
            return ps.executeUpdate() == 1;
        }
    }

    public boolean alreadyHandled(Connection c, String consumer, String eventId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM processed_event WHERE consumer = ? AND event_id = ?")) {
            ps.setString(1, consumer);
            ps.setString(2, eventId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }
}
