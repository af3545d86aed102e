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

/**
 * The event log table: each event id stored once, whatever the number of deliveries. {@code seq} numbers events
 * in the order they were stored; one consumer thread writes, so a larger seq is always committed later and a
 * client following the log with a cursor never skips an event.
 */
@ApplicationScoped
public class EventLogStore {

    /**
     * What to look for; null fields do not filter.
     *
     * @param after a cursor: only events stored after it, oldest first; null = the newest {@code limit} by time
     */
    public record Query(String host, String type, String correlationId, OffsetDateTime since, OffsetDateTime until,
                        Long after, int limit) {
    }

    /**
     * A page of the log and the cursor to pass as {@code after} to get what comes next (the same cursor when
     * nothing new was found).
     */
    public record Page(List<LoggedEvent> events, long cursor) {
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

    /** The newest seq stored (0 for an empty log): where a follower that wants only what comes next starts. */
    public long end(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(max(seq), 0) FROM event_log");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * With a cursor: the next {@code limit} matching events stored after it, in log order. Without: the newest
     * {@code limit} matching events by event time, oldest first, and a cursor at the end of the log as it was.
     */
    public Page find(Connection c, Query q) throws SQLException {
        // Taken first and bounding the page: an event stored meanwhile is not in the page but after the cursor.
        long end = q.after() == null ? end(c) : q.after();
        StringBuilder sql = new StringBuilder("""
                SELECT seq, event_id, type, source, subject, time, correlation_id, causation_id, topic, kafka_partition,
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
            args.add(q.type().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_"));
        }
        if (q.correlationId() != null) {
            sql.append(" AND correlation_id = ?");
            args.add(q.correlationId());
        }
        if (q.since() != null) {
            sql.append(" AND time >= ?");
            args.add(Timestamp.from(q.since().toInstant()));
        }
        if (q.until() != null) {
            sql.append(" AND time < ?");
            args.add(Timestamp.from(q.until().toInstant()));
        }
        if (q.after() == null) {
            sql.append(" AND seq <= ? ORDER BY time DESC, seq DESC LIMIT ?");
        } else {
            sql.append(" AND seq > ? ORDER BY seq LIMIT ?");
        }
        args.add(end);
        args.add(q.limit());
        List<LoggedEvent> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new LoggedEvent(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), Sql.time(rs.getTimestamp(6)), rs.getString(7), rs.getString(8),
                            rs.getString(9), rs.getInt(10), rs.getLong(11), Sql.tree(rs.getString(12))));
                }
            }
        }
        if (q.after() == null) {
            Collections.reverse(out);
            return new Page(out, end);
        }
        return new Page(out, out.isEmpty() ? end : out.get(out.size() - 1).seq());
    }
}
