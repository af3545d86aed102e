package dev.fleetplane.planner.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.EventKind;
import dev.fleetplane.planner.Sql;
import dev.fleetplane.planner.eventlog.LoggedEvent;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The dashboard's reads of the event log: per host the newest event and the newest state change, a host's state
 * changes, the newest inventories, and the events of templates and console sessions. Each walks an index in log
 * order (V5: {@code (subject, seq)}, {@code (type, seq)}) and is bounded.
 */
@ApplicationScoped
public class DashboardStore {

    /** The newest event about one subject. */
    public record Last(long seq, String type, OffsetDateTime time) {
    }

    /** The newest state change of one host: the state it entered and when. */
    public record Entered(String state, OffsetDateTime at) {
    }

    /** One inventory as the adapter reported it. */
    public record Inventory(OffsetDateTime seenAt, JsonNode data) {
    }

    private static final String COLUMNS = """
            seq, event_id, type, source, subject, time, correlation_id, causation_id, topic, kafka_partition,
            kafka_offset, data""";

    /** Subject → its newest event. */
    public Map<String, Last> lastEvents(Connection c, List<String> hosts) throws SQLException {
        Map<String, Last> out = new HashMap<>();
        if (hosts.isEmpty()) {
            return out;
        }
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT h, e.seq, e.type, e.time FROM unnest(?::text[]) AS h
                CROSS JOIN LATERAL (SELECT seq, type, time FROM event_log WHERE subject = h ORDER BY seq DESC LIMIT 1) e""")) {
            ps.setArray(1, texts(c, hosts));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), new Last(rs.getLong(2), rs.getString(3), Sql.time(rs.getTimestamp(4))));
                }
            }
        }
        return out;
    }

    /** {@code fleet/host} → the newest {@code HostStateChanged} of that host in that fleet. */
    public Map<String, Entered> lastStates(Connection c, List<String> hosts) throws SQLException {
        Map<String, Entered> out = new HashMap<>();
        if (hosts.isEmpty()) {
            return out;
        }
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT DISTINCT ON (e.fleet, h) e.fleet, h, e.state, e.time FROM unnest(?::text[]) AS h
                CROSS JOIN LATERAL (SELECT data->>'fleet' AS fleet, data->>'to' AS state, time, seq FROM event_log
                                    WHERE subject = h AND type = ? ORDER BY seq DESC LIMIT 20) e
                ORDER BY e.fleet, h, e.seq DESC""")) {
            ps.setArray(1, texts(c, hosts));
            ps.setString(2, EventCatalog.HOST_STATE_CHANGED.type());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1) + "/" + rs.getString(2),
                            new Entered(rs.getString(3), Sql.time(rs.getTimestamp(4))));
                }
            }
        }
        return out;
    }

    /** The newest {@code n} inventories, newest first. */
    public List<Inventory> inventories(Connection c, int n) throws SQLException {
        List<Inventory> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT time, data FROM event_log WHERE type = ? ORDER BY seq DESC LIMIT ?")) {
            ps.setString(1, EventCatalog.INVENTORY_OBSERVED.type());
            ps.setInt(2, n);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Inventory(Sql.time(rs.getTimestamp(1)), Sql.tree(rs.getString(2))));
                }
            }
        }
        return out;
    }

    /** The newest {@code limit} state changes of {@code host}, in log order. */
    public List<LoggedEvent> stateChanges(Connection c, String host, int limit) throws SQLException {
        List<LoggedEvent> out = events(c, "SELECT " + COLUMNS + " FROM event_log WHERE subject = ? AND type = ?"
                + " ORDER BY seq DESC LIMIT ?", host, EventCatalog.HOST_STATE_CHANGED.type(), limit);
        Collections.reverse(out);
        return out;
    }

    /** Whether the log has any event about {@code subject}. */
    public boolean hasSubject(Connection c, String subject) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM event_log WHERE subject = ? LIMIT 1")) {
            ps.setString(1, subject);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** The newest {@code limit} events of the given kinds, newest first. */
    public List<LoggedEvent> ofKinds(Connection c, List<EventKind<?>> kinds, int limit) throws SQLException {
        List<String> types = kinds.stream().map(EventKind::type).toList();
        return events(c, "SELECT " + COLUMNS + " FROM event_log WHERE type = ANY(?) ORDER BY seq DESC LIMIT ?",
                texts(c, types), limit);
    }

    private static List<LoggedEvent> events(Connection c, String sql, Object... args) throws SQLException {
        List<LoggedEvent> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new LoggedEvent(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), Sql.time(rs.getTimestamp(6)), rs.getString(7), rs.getString(8),
                            rs.getString(9), rs.getInt(10), rs.getLong(11), Sql.tree(rs.getString(12))));
                }
            }
        }
        return out;
    }

    private static Array texts(Connection c, List<String> values) throws SQLException {
        return c.createArrayOf("text", values.toArray());
    }
}
