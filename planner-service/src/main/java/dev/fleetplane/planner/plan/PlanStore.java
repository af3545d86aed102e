package dev.fleetplane.planner.plan;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetplane.events.Json;
import dev.fleetplane.events.desired.SpecProblem;
import dev.fleetplane.events.plans.PlannedChange;
import dev.fleetplane.events.pve.ObservedVm;
import dev.fleetplane.planner.Sql;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Plans in PostgreSQL. */
@ApplicationScoped
public class PlanStore {

    private static final String COLUMNS = """
            id, fleet, spec_version, inventory_digest, inventory, changes, errors, text, json, origin, to_add,
            to_change, to_destroy, to_adopt, to_forget, computed_at, applied_at, approved_by, applied_hosts""";

    /** Inserts the plan; false when a plan with its id exists already (the same plan computed again). */
    public boolean insert(Connection c, Plan p) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO plan (" + COLUMNS + """
                ) VALUES (?, ?, ?, ?, ?::jsonb, ?::jsonb, ?::jsonb, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, now(), NULL, NULL, NULL)
                ON CONFLICT DO NOTHING""")) {
            ps.setString(1, p.id());
            ps.setString(2, p.fleet());
            ps.setLong(3, p.specVersion());
            ps.setString(4, p.inventoryDigest());
            ps.setString(5, Sql.json(p.inventory()));
            ps.setString(6, Sql.json(p.changes()));
            ps.setString(7, Sql.json(p.errors()));
            ps.setString(8, p.text());
            ps.setString(9, Sql.json(p.json()));
            ps.setString(10, p.origin());
            ps.setInt(11, p.toAdd());
            ps.setInt(12, p.toChange());
            ps.setInt(13, p.toDestroy());
            ps.setInt(14, p.toAdopt());
            ps.setInt(15, p.toForget());
            return ps.executeUpdate() == 1;
        }
    }

    public Optional<Plan> find(Connection c, String id, boolean forUpdate) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM plan WHERE id = ?"
                + (forUpdate ? " FOR UPDATE" : ""))) {
            ps.setString(1, id);
            return one(ps);
        }
    }

    /** The plan that speaks for a spec version: the applied one if any, else the one computed at acceptance. */
    public Optional<Plan> findBySpecVersion(Connection c, long specVersion) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + """
                 FROM plan WHERE spec_version = ?
                ORDER BY applied_at IS NULL, origin <> 'spec', computed_at LIMIT 1""")) {
            ps.setLong(1, specVersion);
            return one(ps);
        }
    }

    /** Whether the spec version got its plan at acceptance already (a redelivered inventory must not add one). */
    public boolean hasSpecPlan(Connection c, long specVersion) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM plan WHERE spec_version = ? AND origin = 'spec'")) {
            ps.setLong(1, specVersion);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    public List<Plan> list(Connection c, Long specVersion, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM plan"
                + (specVersion != null ? " WHERE spec_version = ?" : "")
                + " ORDER BY spec_version DESC, computed_at DESC LIMIT ?")) {
            int i = 1;
            if (specVersion != null) {
                ps.setLong(i++, specVersion);
            }
            ps.setInt(i, limit);
            List<Plan> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
            return out;
        }
    }

    public void markApplied(Connection c, String id, String approvedBy, List<String> hosts) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE plan SET applied_at = now(), approved_by = ?, applied_hosts = ?::jsonb
                WHERE id = ? AND applied_at IS NULL""")) {
            ps.setString(1, approvedBy);
            ps.setString(2, Sql.json(hosts));
            ps.setString(3, id);
            if (ps.executeUpdate() != 1) {
                throw new SQLException("plan " + id + " was applied concurrently");
            }
        }
    }

    private static Optional<Plan> one(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(read(rs)) : Optional.empty();
        }
    }

    private static Plan read(ResultSet rs) throws SQLException {
        String applied = rs.getString("applied_hosts");
        return new Plan(rs.getString("id"), rs.getString("fleet"), rs.getLong("spec_version"),
                rs.getString("inventory_digest"),
                list(rs.getString("inventory"), new TypeReference<List<ObservedVm>>() { }),
                list(rs.getString("changes"), new TypeReference<List<PlannedChange>>() { }),
                list(rs.getString("errors"), new TypeReference<List<SpecProblem>>() { }),
                rs.getString("text"), Sql.tree(rs.getString("json")), rs.getString("origin"), rs.getInt("to_add"),
                rs.getInt("to_change"), rs.getInt("to_destroy"), rs.getInt("to_adopt"), rs.getInt("to_forget"),
                Sql.time(rs.getTimestamp("computed_at")), Sql.time(rs.getTimestamp("applied_at")),
                rs.getString("approved_by"),
                applied == null ? null : list(applied, new TypeReference<List<String>>() { }));
    }

    private static <T> List<T> list(String json, TypeReference<List<T>> type) throws SQLException {
        try {
            JsonNode tree = Sql.tree(json);
            return Json.MAPPER.convertValue(tree, type);
        } catch (IllegalArgumentException e) {
            throw new SQLException("stored plan JSON does not fit: " + e.getMessage(), e);
        }
    }
}
