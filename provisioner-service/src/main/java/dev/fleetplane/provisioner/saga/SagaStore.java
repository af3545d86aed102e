package dev.fleetplane.provisioner.saga;

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

/** Reads and writes saga rows inside the caller's transaction. */
@ApplicationScoped
public class SagaStore {

    private static final String COLUMNS = "host, vmid, node, login_user, rebuild_command, state, attempts, awaiting_reply,"
            + " next_query_at, deadline, ip, correlation_id, command_event_id, last_event_id, last_reason, started_at,"
            + " new_vm, system_before, rebuild_outcome, rebuild_millis, rebuild_runs, probing, failed_step, rebuild_tail,"
            + " rebuild_ran";

    public Optional<Saga> find(Connection c, String host) throws SQLException {
        return one(c, "SELECT " + COLUMNS + " FROM saga WHERE host = ?", host);
    }

    /** The saga, locked until the transaction ends so the consumers, the scheduler and the workers take turns. */
    public Optional<Saga> lock(Connection c, String host) throws SQLException {
        return one(c, "SELECT " + COLUMNS + " FROM saga WHERE host = ? FOR UPDATE", host);
    }

    /**
     * Resolutions (resolving-ip, confirming without a probe running) that need a query now or have passed their
     * deadline; rows another replica holds are skipped.
     */
    public List<Saga> lockDue(Connection c, Instant now, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM saga"
                + " WHERE state IN ('resolving-ip', 'confirming') AND NOT probing"
                + " AND (next_query_at <= ? OR deadline <= ?)"
                + " ORDER BY next_query_at LIMIT ? FOR UPDATE SKIP LOCKED")) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setTimestamp(2, Timestamp.from(now));
            ps.setInt(3, limit);
            return all(ps);
        }
    }

    public List<Saga> inState(Connection c, SagaState state) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM saga WHERE state = ? ORDER BY host")) {
            ps.setString(1, state.label());
            return all(ps);
        }
    }

    /** Inserts the saga, or replaces the host's previous one. */
    public void save(Connection c, Saga s) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO saga (" + COLUMNS + ", updated_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())"
                + " ON CONFLICT (host) DO UPDATE SET vmid = EXCLUDED.vmid, node = EXCLUDED.node,"
                + " login_user = EXCLUDED.login_user, rebuild_command = EXCLUDED.rebuild_command, state = EXCLUDED.state,"
                + " attempts = EXCLUDED.attempts, awaiting_reply = EXCLUDED.awaiting_reply,"
                + " next_query_at = EXCLUDED.next_query_at, deadline = EXCLUDED.deadline, ip = EXCLUDED.ip,"
                + " correlation_id = EXCLUDED.correlation_id, command_event_id = EXCLUDED.command_event_id,"
                + " last_event_id = EXCLUDED.last_event_id, last_reason = EXCLUDED.last_reason,"
                + " started_at = EXCLUDED.started_at, new_vm = EXCLUDED.new_vm, system_before = EXCLUDED.system_before,"
                + " rebuild_outcome = EXCLUDED.rebuild_outcome, rebuild_millis = EXCLUDED.rebuild_millis,"
                + " rebuild_runs = EXCLUDED.rebuild_runs, probing = EXCLUDED.probing, failed_step = EXCLUDED.failed_step,"
                + " rebuild_tail = EXCLUDED.rebuild_tail, rebuild_ran = EXCLUDED.rebuild_ran,"
                + " updated_at = now()")) {
            ps.setString(1, s.host());
            ps.setInt(2, s.vmid());
            ps.setString(3, s.node());
            ps.setString(4, s.user());
            ps.setString(5, s.rebuildCommand());
            ps.setString(6, s.state().label());
            ps.setInt(7, s.attempts());
            ps.setBoolean(8, s.awaitingReply());
            ps.setTimestamp(9, s.nextQueryAt() == null ? null : Timestamp.from(s.nextQueryAt()));
            ps.setTimestamp(10, Timestamp.from(s.deadline()));
            ps.setString(11, s.ip());
            ps.setString(12, s.correlationId());
            ps.setString(13, s.commandEventId());
            ps.setString(14, s.lastEventId());
            ps.setString(15, s.lastReason());
            ps.setTimestamp(16, Timestamp.from(s.startedAt()));
            ps.setBoolean(17, s.newVm());
            ps.setString(18, s.systemBefore());
            ps.setString(19, s.rebuildOutcome());
            ps.setLong(20, s.rebuildMillis());
            ps.setInt(21, s.rebuildRuns());
            ps.setBoolean(22, s.probing());
            ps.setString(23, s.failedStep());
            ps.setString(24, tailJson(s.rebuildTail()));
            ps.setString(25, s.rebuildRan());
            ps.executeUpdate();
        }
    }

    private static Optional<Saga> one(Connection c, String sql, String host) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, host);
            List<Saga> found = all(ps);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
        }
    }

    private static List<Saga> all(PreparedStatement ps) throws SQLException {
        List<Saga> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Timestamp next = rs.getTimestamp("next_query_at");
                out.add(new Saga(rs.getString("host"), rs.getInt("vmid"), rs.getString("node"),
                        rs.getString("login_user"), rs.getString("rebuild_command"),
                        SagaState.ofLabel(rs.getString("state")), rs.getInt("attempts"),
                        rs.getBoolean("awaiting_reply"), next == null ? null : next.toInstant(),
                        rs.getTimestamp("deadline").toInstant(), rs.getString("ip"), rs.getString("correlation_id"),
                        rs.getString("command_event_id"), rs.getString("last_event_id"), rs.getString("last_reason"),
                        rs.getTimestamp("started_at").toInstant(), rs.getBoolean("new_vm"), rs.getString("system_before"),
                        rs.getString("rebuild_outcome"), rs.getLong("rebuild_millis"), rs.getInt("rebuild_runs"),
                        rs.getBoolean("probing"), rs.getString("failed_step"), tail(rs.getString("rebuild_tail")),
                        rs.getString("rebuild_ran")));
            }
        }
        return out;
    }

    private static String tailJson(List<String> tail) throws SQLException {
        try {
            return Json.MAPPER.writeValueAsString(tail);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new SQLException("cannot write the rebuild tail as JSON", e);
        }
    }

    private static List<String> tail(String json) throws SQLException {
        if (json == null) {
            return List.of();
        }
        try {
            return List.of(Json.MAPPER.readValue(json, String[].class));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new SQLException("saga.rebuild_tail is not a JSON array of strings", e);
        }
    }
}
