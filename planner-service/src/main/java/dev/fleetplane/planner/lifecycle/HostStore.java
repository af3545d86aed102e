package dev.fleetplane.planner.lifecycle;

import dev.fleetplane.events.Json;
import dev.fleetplane.events.plans.PlannedChange;
import dev.fleetplane.planner.Sql;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Host lifecycle rows in PostgreSQL, the only place a host's progress lives (a restarted planner resumes
 * from them). Reads for change take the row lock so two consumers never race on a host.
 */
@ApplicationScoped
public class HostStore {

    private static final String COLUMNS = """
            fleet, host, vmid, node, state, step, reason, ip, plan_id, desired, change, origin, command_id, queued_at,
            started_at, ready_at, updated_at""";

    public Optional<HostRecord> lock(Connection c, String fleet, String host) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                + " FROM host_state WHERE fleet = ? AND host = ? FOR UPDATE")) {
            ps.setString(1, fleet);
            ps.setString(2, host);
            return one(ps);
        }
    }

    public Optional<HostRecord> find(Connection c, String fleet, String host) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                + " FROM host_state WHERE fleet = ? AND host = ?")) {
            ps.setString(1, fleet);
            ps.setString(2, host);
            return one(ps);
        }
    }

    /** The host an event is about: events carry the host (subject) and VMID, not the fleet. */
    public Optional<HostRecord> lockByHostAndVmid(Connection c, String host, int vmid) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                + " FROM host_state WHERE host = ? AND vmid = ? ORDER BY updated_at DESC LIMIT 1 FOR UPDATE")) {
            ps.setString(1, host);
            ps.setInt(2, vmid);
            return one(ps);
        }
    }

    /**
     * Serialises the scheduling decisions of one fleet (counting free slots, picking pending hosts) across
     * consumer threads and planner replicas; released at commit.
     */
    public void lockFleet(Connection c, String fleet) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))")) {
            ps.setString(1, "fleetplane.planner.fleet:" + fleet);
            ps.execute();
        }
    }

    /** Queues a host for an applied plan's change (inserting it when new): state Pending, no step, no command. */
    public void enqueue(Connection c, HostRecord r) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO host_state (fleet, host, vmid, node, state, step, reason, ip, plan_id, desired, change,
                                        origin, command_id, queued_at, started_at, ready_at, updated_at)
                VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?, ?::jsonb, ?::jsonb, ?, NULL, now(), now(), NULL, now())
                ON CONFLICT (fleet, host) DO UPDATE SET vmid = excluded.vmid, node = excluded.node,
                    state = excluded.state, step = NULL, reason = excluded.reason,
                    ip = coalesce(excluded.ip, host_state.ip), plan_id = excluded.plan_id, desired = excluded.desired,
                    change = excluded.change, origin = excluded.origin, command_id = NULL, queued_at = now(),
                    started_at = now(), ready_at = CASE WHEN excluded.state = 'Pending' THEN host_state.ready_at END,
                    attempt = 1, retry_at = NULL, updated_at = now()""")) {
            ps.setString(1, r.fleet());
            ps.setString(2, r.host());
            ps.setInt(3, r.vmid());
            ps.setString(4, r.node());
            ps.setString(5, r.state().name());
            ps.setString(6, r.reason());
            ps.setString(7, r.ip());
            ps.setString(8, r.planId());
            ps.setString(9, Sql.json(r.desired()));
            ps.setString(10, Sql.json(r.change()));
            ps.setString(11, r.origin().name());
            ps.executeUpdate();
        }
    }

    /**
     * Moves a host to {@code to}. {@code commandId} is the command that starts the new step (null when none);
     * {@code vmid} changes only when a replacement creates the VM under a new VMID.
     */
    public void transition(Connection c, HostRecord r, HostState to, int vmid, String step, String reason,
                           String commandId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE host_state SET state = ?, vmid = ?, step = ?, reason = ?, command_id = ?, updated_at = now(),
                    attempt = 1, retry_at = NULL, ready_at = CASE WHEN ? THEN now() ELSE ready_at END
                WHERE fleet = ? AND host = ?""")) {
            ps.setString(1, to.name());
            ps.setInt(2, vmid);
            ps.setString(3, step);
            ps.setString(4, reason);
            ps.setString(5, commandId);
            // Ready again after drift is not a new provisioning: only a finished step stamps ready_at.
            ps.setBoolean(6, to == HostState.Ready && r.state().inFlight());
            ps.setString(7, r.fleet());
            ps.setString(8, r.host());
            ps.executeUpdate();
        }
    }

    /** Which attempt of its step a host is on, and when the next is due (null: none waiting). */
    public record Attempt(int number, OffsetDateTime retryAt) {
    }

    public Attempt attempt(Connection c, HostRecord r) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT attempt, retry_at FROM host_state WHERE fleet = ? AND host = ?")) {
            ps.setString(1, r.fleet());
            ps.setString(2, r.host());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Attempt(rs.getInt(1), Sql.time(rs.getTimestamp(2))) : new Attempt(1, null);
            }
        }
    }

    /**
     * The host's step failed and goes again in {@code delay}: the next attempt is counted now, the failure kept as the
     * reason status shows meanwhile; no command is in flight until {@link #resent}.
     */
    public void retryLater(Connection c, HostRecord r, String reason, Duration delay) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE host_state SET attempt = attempt + 1, retry_at = now() + ?::interval, reason = ?,
                    command_id = NULL, updated_at = now()
                WHERE fleet = ? AND host = ?""")) {
            ps.setString(1, delay.toMillis() + " milliseconds");
            ps.setString(2, reason);
            ps.setString(3, r.fleet());
            ps.setString(4, r.host());
            ps.executeUpdate();
        }
    }

    /** The step of {@code r} went out again as command {@code commandId}; nothing waits any more. */
    public void resent(Connection c, HostRecord r, String commandId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE host_state SET retry_at = NULL, command_id = ?, updated_at = now()
                WHERE fleet = ? AND host = ?""")) {
            ps.setString(1, commandId);
            ps.setString(2, r.fleet());
            ps.setString(3, r.host());
            ps.executeUpdate();
        }
    }

    /** Up to {@code limit} hosts whose step is due to go again, locked; rows another replica holds are skipped. */
    public List<HostRecord> lockDueRetries(Connection c, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM host_state"
                + " WHERE retry_at <= now() ORDER BY retry_at LIMIT ? FOR UPDATE SKIP LOCKED")) {
            ps.setInt(1, limit);
            return many(ps);
        }
    }

    /** How long until the next retry of any host is due; empty when none waits. */
    public Optional<Duration> nextRetryIn(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT extract(epoch FROM min(retry_at) - now()) * 1000 FROM host_state WHERE retry_at IS NOT NULL");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            double millis = rs.getDouble(1);
            return rs.wasNull() ? Optional.empty() : Optional.of(Duration.ofMillis(Math.max(0, (long) millis)));
        }
    }

    public void setIp(Connection c, HostRecord r, String ip) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE host_state SET ip = ?, updated_at = now() WHERE fleet = ? AND host = ?")) {
            ps.setString(1, ip);
            ps.setString(2, r.fleet());
            ps.setString(3, r.host());
            ps.executeUpdate();
        }
    }

    /** How many hosts of {@code fleet} have a step in flight. */
    public int inFlight(Connection c, String fleet) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT count(*) FROM host_state WHERE fleet = ?
                AND state IN ('Cloning', 'Configuring', 'Starting', 'Provisioning', 'Updating', 'Resizing', 'Stopping',
                              'Destroying')""")) {
            ps.setString(1, fleet);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** The oldest {@code limit} pending hosts of {@code fleet}, locked. */
    public List<HostRecord> lockPending(Connection c, String fleet, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM host_state"
                + " WHERE fleet = ? AND state = 'Pending' ORDER BY queued_at, host LIMIT ? FOR UPDATE")) {
            ps.setString(1, fleet);
            ps.setInt(2, limit);
            return many(ps);
        }
    }

    /** Fleets that have hosts waiting for a slot (looked at when the planner starts). */
    public List<String> fleetsWithPending(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT DISTINCT fleet FROM host_state WHERE state = 'Pending' ORDER BY fleet");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** Host name to VMID of every host this fleet manages (a Gone host is no longer managed). */
    public Map<String, Integer> managed(Connection c, String fleet) throws SQLException {
        Map<String, Integer> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT host, vmid FROM host_state WHERE fleet = ? AND state <> 'Gone'")) {
            ps.setString(1, fleet);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getInt(2));
                }
            }
        }
        return out;
    }

    public List<HostRecord> list(Connection c, String fleet) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM host_state"
                + (fleet != null ? " WHERE fleet = ?" : "") + " ORDER BY fleet, host")) {
            if (fleet != null) {
                ps.setString(1, fleet);
            }
            return many(ps);
        }
    }

    private static Optional<HostRecord> one(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(read(rs)) : Optional.empty();
        }
    }

    private static List<HostRecord> many(PreparedStatement ps) throws SQLException {
        List<HostRecord> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(read(rs));
            }
        }
        return out;
    }

    private static HostRecord read(ResultSet rs) throws SQLException {
        HostDesired desired = Json.MAPPER.convertValue(Sql.tree(rs.getString("desired")), HostDesired.class);
        HostState state = HostState.valueOf(rs.getString("state"));
        HostLifecycle.Origin origin = HostLifecycle.Origin.valueOf(rs.getString("origin"));
        String changeJson = rs.getString("change");
        PlannedChange change = changeJson != null
                ? Json.MAPPER.convertValue(Sql.tree(changeJson), PlannedChange.class)
                // Rows written before changes were kept: they were created or adopted.
                : new PlannedChange(rs.getString("host"), origin == HostLifecycle.Origin.adopted
                        ? HostLifecycle.ADOPT : HostLifecycle.CREATE, rs.getInt("vmid"), rs.getString("node"), List.of());
        return new HostRecord(rs.getString("fleet"), rs.getString("host"), rs.getInt("vmid"), rs.getString("node"),
                state, rs.getString("step"), rs.getString("reason"), rs.getString("ip"), rs.getString("plan_id"),
                desired, change, origin, rs.getString("command_id"), Sql.time(rs.getTimestamp("queued_at")),
                Sql.time(rs.getTimestamp("started_at")), Sql.time(rs.getTimestamp("ready_at")),
                Sql.time(rs.getTimestamp("updated_at")));
    }
}
