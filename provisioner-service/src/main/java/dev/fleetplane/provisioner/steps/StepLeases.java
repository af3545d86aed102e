package dev.fleetplane.provisioner.steps;

import dev.fleetplane.provisioner.saga.SagaState;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The leases that make one provisioner replica, and only one, run a saga's worker step: a replica claims the host's
 * lease before it starts the step, renews it while the step runs and drops it after. A lease that ran out (its owner
 * died, or stopped renewing) can be claimed by anyone; so can one of the claimer's own from before a restart (owners
 * are stable per replica: {@code fleetplane.provisioner.steps.owner}). Times are the database's, so the replicas'
 * clocks do not matter.
 */
final class StepLeases {

    /** A worker step nobody holds a live lease for: what a sweep resumes. */
    record Orphan(String host, SagaState state, boolean probing) {
    }

    private StepLeases() {
    }

    /** Takes {@code host}'s lease for {@code owner} unless another owner holds a live one; true when taken. */
    static boolean claim(Connection c, String host, String owner, Duration ttl) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO step_lease (host, owner, until)"
                + " VALUES (?, ?, now() + ?::interval)"
                + " ON CONFLICT (host) DO UPDATE SET owner = EXCLUDED.owner, until = EXCLUDED.until"
                + " WHERE step_lease.owner = EXCLUDED.owner OR step_lease.until < now()")) {
            ps.setString(1, host);
            ps.setString(2, owner);
            ps.setString(3, interval(ttl));
            return ps.executeUpdate() == 1;
        }
    }

    /** Pushes the end of {@code owner}'s leases of {@code hosts} out by {@code ttl}; how many it still held. */
    static int renew(Connection c, String owner, Collection<String> hosts, Duration ttl) throws SQLException {
        if (hosts.isEmpty()) {
            return 0;
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE step_lease SET until = now() + ?::interval"
                + " WHERE owner = ? AND host = ANY (?)")) {
            Array names = c.createArrayOf("text", hosts.toArray());
            ps.setString(1, interval(ttl));
            ps.setString(2, owner);
            ps.setArray(3, names);
            return ps.executeUpdate();
        }
    }

    /** Gives up {@code owner}'s lease of {@code host} (nothing when another owner took it over meanwhile). */
    static void release(Connection c, String host, String owner) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM step_lease WHERE host = ? AND owner = ?")) {
            ps.setString(1, host);
            ps.setString(2, owner);
            ps.executeUpdate();
        }
    }

    /**
     * The sagas in a worker step (rebuilding, integrating, or confirming with a probe under way) that nobody holds a
     * live lease for, or that {@code owner} itself held before a restart (its running steps are excluded by the
     * caller).
     */
    static List<Orphan> orphans(Connection c, String owner) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT s.host, s.state, s.probing FROM saga s"
                + " LEFT JOIN step_lease l ON l.host = s.host"
                + " WHERE (s.state IN (?, ?) OR (s.state = ? AND s.probing))"
                + " AND (l.host IS NULL OR l.until < now() OR l.owner = ?) ORDER BY s.host")) {
            ps.setString(1, SagaState.REBUILDING.label());
            ps.setString(2, SagaState.INTEGRATING.label());
            ps.setString(3, SagaState.CONFIRMING.label());
            ps.setString(4, owner);
            List<Orphan> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Orphan(rs.getString(1), SagaState.ofLabel(rs.getString(2)), rs.getBoolean(3)));
                }
            }
            return out;
        }
    }

    private static String interval(Duration d) {
        return d.toMillis() + " milliseconds";
    }
}
