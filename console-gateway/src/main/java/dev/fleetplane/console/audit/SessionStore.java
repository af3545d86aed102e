package dev.fleetplane.console.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.fleetplane.console.session.ViewerRecord;
import dev.fleetplane.events.Json;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The {@code viewer_session} and {@code transcript} tables. */
@ApplicationScoped
public class SessionStore {

    /** One viewer session as the REST API lists it. */
    public record Row(String session, String console, String host, String node, int vmid, String operator,
                      String from, String backend, String access, Instant openedAt, Instant closedAt, long bytesIn,
                      long bytesOut, List<ViewerRecord.Period> writeLock, String closeReason) {
    }

    /** One transcript entry. */
    public record Entry(int seq, Instant at, String stream, String operator, String data) {
    }

    private static final String COLUMNS = """
            session_id, console_id, host, node, vmid, operator, client, backend, access, opened_at, closed_at, \
            bytes_in, bytes_out, write_lock, close_reason""";

    public void opened(Connection c, Row r) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO viewer_session (" + COLUMNS + ") VALUES "
                + "(?,?,?,?,?,?,?,?,?,?,?,?,?,?::jsonb,?) ON CONFLICT (session_id) DO NOTHING")) {
            bind(ps, r);
            ps.executeUpdate();
        }
    }

    public void closed(Connection c, Row r) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE viewer_session SET closed_at = ?, bytes_in = ?, "
                + "bytes_out = ?, write_lock = ?::jsonb, close_reason = ? WHERE session_id = ?")) {
            ps.setTimestamp(1, Timestamp.from(r.closedAt()));
            ps.setLong(2, r.bytesIn());
            ps.setLong(3, r.bytesOut());
            ps.setString(4, json(r.writeLock()));
            ps.setString(5, r.closeReason());
            ps.setObject(6, UUID.fromString(r.session()));
            ps.executeUpdate();
        }
    }

    /** Viewer sessions newest first, of one host or all. */
    public List<Row> list(Connection c, String host, int limit) throws SQLException {
        String sql = "SELECT " + COLUMNS + " FROM viewer_session" + (host == null ? "" : " WHERE host = ?")
                + " ORDER BY opened_at DESC, session_id LIMIT ?";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            if (host != null) {
                ps.setString(i++, host);
            }
            ps.setInt(i, limit);
            return rows(ps);
        }
    }

    public Optional<Row> find(Connection c, String session) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM viewer_session WHERE session_id = ?")) {
            ps.setObject(1, UUID.fromString(session));
            return rows(ps).stream().findFirst();
        }
    }

    /** Sessions the gateway never closed (it stopped while they ran). */
    public List<Row> unclosed(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                + " FROM viewer_session WHERE closed_at IS NULL ORDER BY opened_at FOR UPDATE")) {
            return rows(ps);
        }
    }

    public void appendTranscript(Connection c, String console, List<Entry> entries) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO transcript (console_id, seq, at, stream, "
                + "operator, data) VALUES (?,?,?,?,?,?) ON CONFLICT DO NOTHING")) {
            for (Entry e : entries) {
                ps.setObject(1, UUID.fromString(console));
                ps.setInt(2, e.seq());
                ps.setTimestamp(3, Timestamp.from(e.at()));
                ps.setString(4, e.stream());
                ps.setString(5, e.operator());
                ps.setString(6, e.data());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    public List<Entry> transcript(Connection c, String console) throws SQLException {
        List<Entry> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, at, stream, operator, data FROM transcript "
                + "WHERE console_id = ? ORDER BY seq")) {
            ps.setObject(1, UUID.fromString(console));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Entry(rs.getInt(1), rs.getTimestamp(2).toInstant(), rs.getString(3),
                            rs.getString(4), rs.getString(5)));
                }
            }
        }
        return out;
    }

    private static void bind(PreparedStatement ps, Row r) throws SQLException {
        ps.setObject(1, UUID.fromString(r.session()));
        ps.setObject(2, UUID.fromString(r.console()));
        ps.setString(3, r.host());
        ps.setString(4, r.node());
        ps.setInt(5, r.vmid());
        ps.setString(6, r.operator());
        ps.setString(7, r.from());
        ps.setString(8, r.backend());
        ps.setString(9, r.access());
        ps.setTimestamp(10, Timestamp.from(r.openedAt()));
        ps.setTimestamp(11, r.closedAt() == null ? null : Timestamp.from(r.closedAt()));
        ps.setLong(12, r.bytesIn());
        ps.setLong(13, r.bytesOut());
        ps.setString(14, json(r.writeLock()));
        ps.setString(15, r.closeReason());
    }

    private static List<Row> rows(PreparedStatement ps) throws SQLException {
        List<Row> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Timestamp closed = rs.getTimestamp(11);
                out.add(new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5),
                        rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9),
                        rs.getTimestamp(10).toInstant(), closed == null ? null : closed.toInstant(), rs.getLong(12),
                        rs.getLong(13), periods(rs.getString(14)), rs.getString(15)));
            }
        }
        return out;
    }

    private static String json(List<ViewerRecord.Period> periods) {
        try {
            return Json.MAPPER.writeValueAsString(periods);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<ViewerRecord.Period> periods(String json) {
        try {
            return Json.MAPPER.readValue(json, new TypeReference<List<ViewerRecord.Period>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("viewer_session.write_lock is not a list of periods: " + e.getMessage(), e);
        }
    }
}
