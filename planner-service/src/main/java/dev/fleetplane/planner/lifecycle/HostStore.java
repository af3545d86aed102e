package dev.fleetplane.planner.lifecycle;

import dev.fleetplane.events.Json;
import dev.fleetplane.planner.Sql;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Host lifecycle rows in PostgreSQL; reads for change take the row lock so two consumers never race on a host. */
@ApplicationScoped
public class HostStore {

    private static final String COLUMNS = """
            fleet, host, vmid, node, state, step, reason, ip, plan_id, desired, started_at, ready_at, updated_at""";

    public Optional<HostRecord> lock(Connection c, String fleet, String host) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                + " FROM host_state WHERE fleet = ? AND host = ? FOR UPDATE")) {
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

    /** Starts (or restarts) a host for an applied plan. */
    public void start(Connection c, HostRecord r) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO host_state (fleet, host, vmid, node, state, step, reason, ip, plan_id, desired, started_at,
                                        ready_at, updated_at)
                VALUES (?, ?, ?, ?, ?, NULL, NULL, ?, ?, ?::jsonb, now(), NULL, now())
                ON CONFLICT (fleet, host) DO UPDATE SET vmid = excluded.vmid, node = excluded.node,
                    state = excluded.state, step = NULL, reason = NULL, ip = excluded.ip, plan_id = excluded.plan_id,
                    desired = excluded.desired, started_at = now(), ready_at = NULL, updated_at = now()""")) {
            ps.setString(1, r.fleet());
            ps.setString(2, r.host());
            ps.setInt(3, r.vmid());
            ps.setString(4, r.node());
            ps.setString(5, r.state().name());
            ps.setString(6, r.ip());
            ps.setString(7, r.planId());
            ps.setString(8, Sql.json(r.desired()));
            ps.executeUpdate();
        }
    }

    public void transition(Connection c, HostRecord r, HostState to, String step, String reason) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE host_state SET state = ?, step = ?, reason = ?, updated_at = now(),
                    ready_at = CASE WHEN ? THEN now() ELSE ready_at END
                WHERE fleet = ? AND host = ?""")) {
            ps.setString(1, to.name());
            ps.setString(2, step);
            ps.setString(3, reason);
            ps.setBoolean(4, to == HostState.Ready);
            ps.setString(5, r.fleet());
            ps.setString(6, r.host());
            ps.executeUpdate();
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

    /** Host name to VMID of every host this fleet manages. */
    public Map<String, Integer> managed(Connection c, String fleet) throws SQLException {
        Map<String, Integer> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT host, vmid FROM host_state WHERE fleet = ?")) {
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
            List<HostRecord> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
            return out;
        }
    }

    private static Optional<HostRecord> one(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(read(rs)) : Optional.empty();
        }
    }

    private static HostRecord read(ResultSet rs) throws SQLException {
        HostDesired desired = Json.MAPPER.convertValue(Sql.tree(rs.getString("desired")), HostDesired.class);
        return new HostRecord(rs.getString("fleet"), rs.getString("host"), rs.getInt("vmid"), rs.getString("node"),
                HostState.valueOf(rs.getString("state")), rs.getString("step"), rs.getString("reason"),
                rs.getString("ip"), rs.getString("plan_id"), desired, Sql.time(rs.getTimestamp("started_at")),
                Sql.time(rs.getTimestamp("ready_at")), Sql.time(rs.getTimestamp("updated_at")));
    }
}
