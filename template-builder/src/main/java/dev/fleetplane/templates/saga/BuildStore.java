package dev.fleetplane.templates.saga;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The {@code build} table. */
@ApplicationScoped
public class BuildStore {

    private static final String COLUMNS = """
            build_id, template, route, node, storage, built_from, timeout_seconds, state, artifact, format, bytes,
            sha256, checked, volid, candidate_vmid, probe_vmid, probe_gone, probe_address, probe_started_at, queries,
            awaiting_reply, next_query_at, deadline, failed_step, reason, note, requested_by, started_at""";

    /** Inserts a new build; false when one with that id exists already (a redelivered command). */
    public boolean insert(Connection c, Build b) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO build (" + COLUMNS + ") VALUES "
                + "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (build_id) DO NOTHING")) {
            bind(ps, b);
            return ps.executeUpdate() == 1;
        }
    }

    /** Writes every column of {@code b}'s row (the build must exist). */
    public void save(Connection c, Build b) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE build SET (" + COLUMNS + ", updated_at) = "
                + "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?, now()) WHERE build_id = ?")) {
            bind(ps, b);
            ps.setString(29, b.buildId());
            if (ps.executeUpdate() != 1) {
                throw new SQLException("build " + b.buildId() + " does not exist");
            }
        }
    }

    /** The build, locked for this transaction. */
    public Optional<Build> lock(Connection c, String buildId) throws SQLException {
        return one(c, "SELECT " + COLUMNS + " FROM build WHERE build_id = ? FOR UPDATE", buildId);
    }

    public Optional<Build> find(Connection c, String buildId) throws SQLException {
        return one(c, "SELECT " + COLUMNS + " FROM build WHERE build_id = ?", buildId);
    }

    /** Builds in one of the given states (a restarted builder resumes them), oldest first. */
    public List<Build> inStates(Connection c, BuildState... states) throws SQLException {
        List<String> labels = new ArrayList<>();
        for (BuildState s : states) {
            labels.add(s.label());
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                + " FROM build WHERE state = ANY (?) ORDER BY started_at")) {
            ps.setArray(1, c.createArrayOf("text", labels.toArray()));
            return all(ps);
        }
    }

    /** Probing builds whose next query is due or whose deadline passed, locked, skipping those another replica holds. */
    public List<Build> dueProbes(Connection c, Instant now, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + """
                 FROM build WHERE state = 'probing' AND (next_query_at <= ? OR deadline <= ?)
                ORDER BY next_query_at LIMIT ? FOR UPDATE SKIP LOCKED""")) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setTimestamp(2, Timestamp.from(now));
            ps.setInt(3, limit);
            return all(ps);
        }
    }

    /** The newest builds, optionally of one template. */
    public List<Build> recent(Connection c, String template, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                + " FROM build WHERE (?::text IS NULL OR template = ?) ORDER BY started_at DESC LIMIT ?")) {
            ps.setString(1, template);
            ps.setString(2, template);
            ps.setInt(3, limit);
            return all(ps);
        }
    }

    private Optional<Build> one(Connection c, String sql, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, id);
            List<Build> found = all(ps);
            return found.stream().findFirst();
        }
    }

    private static List<Build> all(PreparedStatement ps) throws SQLException {
        List<Build> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(read(rs));
            }
        }
        return out;
    }

    private static void bind(PreparedStatement ps, Build b) throws SQLException {
        int i = 1;
        ps.setString(i++, b.buildId());
        ps.setString(i++, b.template());
        ps.setString(i++, b.route());
        ps.setString(i++, b.node());
        ps.setString(i++, b.storage());
        ps.setString(i++, b.builtFrom());
        ps.setInt(i++, b.timeoutSeconds());
        ps.setString(i++, b.state().label());
        ps.setString(i++, b.artifact());
        ps.setString(i++, b.format());
        setLong(ps, i++, b.bytes());
        ps.setString(i++, b.sha256());
        ps.setBoolean(i++, b.checked());
        ps.setString(i++, b.volid());
        setInt(ps, i++, b.candidateVmid());
        setInt(ps, i++, b.probeVmid());
        ps.setBoolean(i++, b.probeGone());
        ps.setString(i++, b.probeAddress());
        ps.setTimestamp(i++, ts(b.probeStartedAt()));
        ps.setInt(i++, b.queries());
        ps.setBoolean(i++, b.awaitingReply());
        ps.setTimestamp(i++, ts(b.nextQueryAt()));
        ps.setTimestamp(i++, ts(b.deadline()));
        ps.setString(i++, b.failedStep());
        ps.setString(i++, b.reason());
        ps.setString(i++, b.note());
        ps.setString(i++, b.requestedBy());
        ps.setTimestamp(i, ts(b.startedAt()));
    }

    private static Build read(ResultSet rs) throws SQLException {
        return new Build(rs.getString("build_id"), rs.getString("template"), rs.getString("route"),
                rs.getString("node"), rs.getString("storage"), rs.getString("built_from"),
                rs.getInt("timeout_seconds"), BuildState.of(rs.getString("state")), rs.getString("artifact"),
                rs.getString("format"), (Long) rs.getObject("bytes"), rs.getString("sha256"), rs.getBoolean("checked"),
                rs.getString("volid"), (Integer) rs.getObject("candidate_vmid"), (Integer) rs.getObject("probe_vmid"),
                rs.getBoolean("probe_gone"), rs.getString("probe_address"), instant(rs, "probe_started_at"),
                rs.getInt("queries"), rs.getBoolean("awaiting_reply"), instant(rs, "next_query_at"),
                instant(rs, "deadline"), rs.getString("failed_step"), rs.getString("reason"), rs.getString("note"),
                rs.getString("requested_by"), instant(rs, "started_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    private static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }

    private static void setInt(PreparedStatement ps, int i, Integer v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.INTEGER);
        } else {
            ps.setInt(i, v);
        }
    }

    private static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.BIGINT);
        } else {
            ps.setLong(i, v);
        }
    }
}
