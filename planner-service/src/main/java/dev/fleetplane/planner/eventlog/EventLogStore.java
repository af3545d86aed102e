package dev.fleetplane.planner.eventlog;

import dev.fleetplane.planner.Sql;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The event log table: each event id stored once, whatever the number of deliveries. */
@ApplicationScoped
public class EventLogStore {

    /** What to look for; null fields do not filter. */
    public record Query(String host, String type, String correlationId, OffsetDateTime since, int limit) {
    }

    /** Stores the event; false when it was already there. */
    public boolean insert(Connection c, LoggedEvent e) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO event_log (event_id, type, source, subject, time, correlation_id, causation_id, topic,
                                       kafka_partition, kafka_offset, data)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb) ON CONFLICT (event_id) DO NOTHING""")) {
            ps.setString(1, e.id());
            ps.setString(2, e.type());
            ps.setString(3, e.source());
            ps.setString(4, e.subject());
            ps.setTimestamp(5, Timestamp.from(e.time().toInstant()));
            ps.setString(6, e.correlationId());
            ps.setString(7, e.causationId());
            ps.setString(8, e.topic());
            ps.setInt(9, e.partition());
            ps.setLong(10, e.offset());
            ps.setString(11, Sql.json(e.data()));
            return ps.executeUpdate() == 1;
        }
    }

    /** The newest {@code limit} matching events, oldest first. */
    public List<LoggedEvent> find(Connection c, Query q) throws SQLException {
        StringBuilder sql = new StringBuilder("""
                SELECT event_id, type, source, subject, time, correlation_id, causation_id, topic, kafka_partition,
                       kafka_offset, data FROM event_log WHERE true""");
        List<Object> args = new ArrayList<>();
        if (q.host() != null) {
            sql.append(" AND subject = ?");
            args.add(q.host());
        }
        if (q.type() != null) {
            // Either the full CloudEvents type or its name without the version.
            sql.append(" AND (type = ? OR type LIKE ? || '.v%')");
            args.add(q.type());
            args.add(q.type());
        }
        if (q.correlationId() != null) {
            sql.append(" AND correlation_id = ?");
            args.add(q.correlationId());
        }
        if (q.since() != null) {
            sql.append(" AND time >= ?");
            args.add(Timestamp.from(q.since().toInstant()));
        }
        sql.append(" ORDER BY time DESC, seq DESC LIMIT ?");
        args.add(q.limit());
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            List<LoggedEvent> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new LoggedEvent(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            Sql.time(rs.getTimestamp(5)), rs.getString(6), rs.getString(7), rs.getString(8),
                            rs.getInt(9), rs.getLong(10), Sql.tree(rs.getString(11))));
                }
            }
            Collections.reverse(out);
            return out;
        }
    }
}
