package dev.fleetplane.planner.topics;

import dev.fleetplane.planner.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** {@code dead_letter_replay}: which dead letters were replayed, by whom and when; one row each at most. */
public final class DeadLetterReplays {

    /** Where a dead letter sits. */
    public record Position(String topic, int partition, long offset) {
        @Override
        public String toString() {
            return topic + "-" + partition + "@" + offset;
        }
    }

    /** Who replayed it, when. */
    public record Replay(String by, OffsetDateTime at) {
    }

    private DeadLetterReplays() {
    }

    /** Records the replay; false when the record was replayed before (the row is there). */
    public static boolean claim(Connection c, Position p, String by, OffsetDateTime at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO dead_letter_replay (dlq_topic, kafka_partition, kafka_offset, replayed_by, replayed_at)
                VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""")) {
            ps.setString(1, p.topic());
            ps.setInt(2, p.partition());
            ps.setLong(3, p.offset());
            ps.setString(4, by);
            ps.setTimestamp(5, Timestamp.from(at.toInstant()));
            return ps.executeUpdate() == 1;
        }
    }

    /** Takes the claim back: the replay could not be sent. */
    public static void release(Connection c, Position p) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "DELETE FROM dead_letter_replay WHERE dlq_topic = ? AND kafka_partition = ? AND kafka_offset = ?")) {
            ps.setString(1, p.topic());
            ps.setInt(2, p.partition());
            ps.setLong(3, p.offset());
            ps.executeUpdate();
        }
    }

    public static Optional<Replay> find(Connection c, Position p) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT replayed_by, replayed_at FROM dead_letter_replay
                WHERE dlq_topic = ? AND kafka_partition = ? AND kafka_offset = ?""")) {
            ps.setString(1, p.topic());
            ps.setInt(2, p.partition());
            ps.setLong(3, p.offset());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Replay(rs.getString(1), Sql.time(rs.getTimestamp(2))))
                        : Optional.empty();
            }
        }
    }

    /** The replays of those of {@code positions} that were replayed. */
    public static Map<Position, Replay> of(Connection c, Collection<Position> positions) throws SQLException {
        Map<Position, Replay> out = new HashMap<>();
        if (positions.isEmpty()) {
            return out;
        }
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT r.dlq_topic, r.kafka_partition, r.kafka_offset, r.replayed_by, r.replayed_at
                FROM dead_letter_replay r
                JOIN unnest(?::text[], ?::int[], ?::bigint[]) AS p(topic, part, off)
                  ON r.dlq_topic = p.topic AND r.kafka_partition = p.part AND r.kafka_offset = p.off""")) {
            ps.setArray(1, c.createArrayOf("text", positions.stream().map(Position::topic).toArray()));
            ps.setArray(2, c.createArrayOf("integer", positions.stream().map(Position::partition).toArray()));
            ps.setArray(3, c.createArrayOf("bigint", positions.stream().map(Position::offset).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(new Position(rs.getString(1), rs.getInt(2), rs.getLong(3)),
                            new Replay(rs.getString(4), Sql.time(rs.getTimestamp(5))));
                }
            }
        }
        return out;
    }
}
