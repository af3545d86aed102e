package dev.fleetplane.planner.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetplane.events.Json;
import dev.fleetplane.planner.Sql;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Spec versions in PostgreSQL: inserted once, never changed. */
@ApplicationScoped
public class SpecStore {

    private static final String COLUMNS = "version, fleet, hash, source, revision, content, auto_approve, accepted_at,"
            + " requested_by, patch, reverts, allow_revert";

    /** What a new version records besides its content. */
    public record Provenance(String requestedBy, List<PatchedValue> patch, List<RevertedPatch> reverts,
                             boolean allowRevert) {

        /** A whole hosts file. */
        public static Provenance file(List<RevertedPatch> reverts, boolean allowRevert) {
            return new Provenance(null, null, reverts, allowRevert);
        }

        /** A host patch. */
        public static Provenance patch(String requestedBy, List<PatchedValue> changed) {
            return new Provenance(requestedBy, changed, List.of(), false);
        }
    }

    public SpecVersion insert(Connection c, String fleet, String hash, String source, String revision,
                              JsonNode content, String nixSource, boolean autoApprove, Provenance p)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO spec_version (fleet, hash, source, revision, content, nix_source, auto_approve,
                                          requested_by, patch, reverts, allow_revert)
                VALUES (?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?::jsonb, ?::jsonb, ?) RETURNING version, accepted_at""")) {
            ps.setString(1, fleet);
            ps.setString(2, hash);
            ps.setString(3, source);
            ps.setString(4, revision);
            ps.setString(5, Sql.json(content));
            ps.setString(6, nixSource);
            ps.setBoolean(7, autoApprove);
            ps.setString(8, p.requestedBy());
            ps.setString(9, p.patch() == null ? null : Sql.json(p.patch()));
            ps.setString(10, Sql.json(p.reverts()));
            ps.setBoolean(11, p.allowRevert());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new SpecVersion(rs.getLong(1), fleet, hash, source, revision, content, autoApprove,
                        Sql.time(rs.getTimestamp(2)), p.requestedBy(), p.patch(), p.reverts(), p.allowRevert());
            }
        }
    }

    public Optional<SpecVersion> find(Connection c, long version) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM spec_version WHERE version = ?")) {
            ps.setLong(1, version);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
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

    /**
     * The content of the spec version the fleet's previous plan was computed from: its newest plan of a version
     * older than {@code version} (so every plan of {@code version}, on push or on request, compares with the same
     * one). Empty before the fleet's first plan.
     */
    public Optional<JsonNode> contentOfPreviousPlan(Connection c, String fleet, long version) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT s.content FROM plan p JOIN spec_version s"
                + " ON s.version = p.spec_version WHERE p.fleet = ? AND p.spec_version < ?"
                + " ORDER BY p.spec_version DESC LIMIT 1")) {
            ps.setString(1, fleet);
            ps.setLong(2, version);
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

    /**
     * The patches of {@code fleet} that hosts.nix may not have, oldest first: those of the patch versions since the
     * newest whole hosts file, plus the reverts that file was pushed with when it did not acknowledge them and no
     * plan of it was applied (so pushing a second unpatched file does not lose them silently).
     */
    public List<RecordedPatch> pendingPatches(Connection c, String fleet) throws SQLException {
        List<RecordedPatch> newestFirst = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + ", EXISTS (SELECT 1 FROM plan p"
                + " WHERE p.spec_version = s.version AND p.applied_at IS NOT NULL) FROM spec_version s"
                + " WHERE fleet = ? ORDER BY version DESC")) {
            ps.setString(1, fleet);
            ps.setFetchSize(50);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    SpecVersion v = read(rs);
                    if (v.isPatch()) {
                        for (int i = v.patch().size() - 1; i >= 0; i--) {
                            newestFirst.add(new RecordedPatch(v.version(), v.requestedBy(), v.acceptedAt(),
                                    v.patch().get(i)));
                        }
                        continue;
                    }
                    boolean applied = rs.getBoolean(13);
                    if (!v.allowRevert() && !applied) {
                        for (int i = v.reverts().size() - 1; i >= 0; i--) {
                            newestFirst.add(v.reverts().get(i).patch());
                        }
                    }
                    break;
                }
            }
        }
        java.util.Collections.reverse(newestFirst);
        return List.copyOf(newestFirst);
    }

    /** Serialises the intake of one fleet (a patch reads the latest version and writes the next); released at commit. */
    public void lockFleet(Connection c, String fleet) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))")) {
            ps.setString(1, "fleetplane.planner.spec:" + fleet);
            ps.execute();
        }
    }

    private static SpecVersion read(ResultSet rs) throws SQLException {
        String patch = rs.getString(10);
        return new SpecVersion(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                Sql.tree(rs.getString(6)), rs.getBoolean(7), Sql.time(rs.getTimestamp(8)), rs.getString(9),
                patch == null ? null : List.copyOf(readJson(patch, new TypeReference<List<PatchedValue>>() { })),
                List.copyOf(readJson(rs.getString(11), new TypeReference<List<RevertedPatch>>() { })),
                rs.getBoolean(12));
    }

    private static <T> T readJson(String json, TypeReference<T> type) throws SQLException {
        try {
            return Json.MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new SQLException("stored JSON is unreadable: " + e.getOriginalMessage(), e);
        }
    }
}
