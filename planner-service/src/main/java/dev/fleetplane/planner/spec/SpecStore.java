package dev.fleetplane.planner.spec;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetplane.planner.Sql;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/** Spec versions in PostgreSQL: inserted once, never changed. */
@ApplicationScoped
public class SpecStore {

    public SpecVersion insert(Connection c, String fleet, String hash, String source, String revision,
                              JsonNode content, String nixSource, boolean autoApprove) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO spec_version (fleet, hash, source, revision, content, nix_source, auto_approve)
                VALUES (?, ?, ?, ?, ?::jsonb, ?, ?) RETURNING version, accepted_at""")) {
            ps.setString(1, fleet);
            ps.setString(2, hash);
            ps.setString(3, source);
            ps.setString(4, revision);
            ps.setString(5, Sql.json(content));
            ps.setString(6, nixSource);
            ps.setBoolean(7, autoApprove);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new SpecVersion(rs.getLong(1), fleet, hash, source, revision, content, autoApprove,
                        Sql.time(rs.getTimestamp(2)));
            }
        }
    }

    public Optional<SpecVersion> find(Connection c, long version) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT version, fleet, hash, source, revision, content, auto_approve, accepted_at
                FROM spec_version WHERE version = ?""")) {
            ps.setLong(1, version);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new SpecVersion(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), Sql.tree(rs.getString(6)), rs.getBoolean(7), Sql.time(rs.getTimestamp(8))));
            }
        }
    }

    /** The newest version of {@code fleet}, 0 when it has none. */
    public long latest(Connection c, String fleet) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(max(version), 0) FROM spec_version WHERE fleet = ?")) {
            ps.setString(1, fleet);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The content of the spec version a plan was computed from. */
    public Optional<JsonNode> contentOfPlan(Connection c, String planId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT s.content FROM plan p JOIN spec_version s ON s.version = p.spec_version WHERE p.id = ?")) {
            ps.setString(1, planId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(Sql.tree(rs.getString(1))) : Optional.empty();
            }
        }
    }

    /** The newest version of {@code fleet}. */
    public Optional<SpecVersion> findLatest(Connection c, String fleet) throws SQLException {
        long v = latest(c, fleet);
        return v == 0 ? Optional.empty() : find(c, v);
    }

    /** Serialises the intake of one fleet (a patch reads the latest version and writes the next); released at commit. */
    public void lockFleet(Connection c, String fleet) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))")) {
            ps.setString(1, "fleetplane.planner.spec:" + fleet);
            ps.execute();
        }
    }
}
