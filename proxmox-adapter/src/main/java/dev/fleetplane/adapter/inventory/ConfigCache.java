package dev.fleetplane.adapter.inventory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.fleetplane.events.Json;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/** The {@code vm_config_cache} table: each VM's last {@code /config} and the resource entry it was read under. */
@ApplicationScoped
public class ConfigCache {

    /** One cached config; {@code fingerprint} is {@link ConfigRefresh#fingerprint} of the entry at read time. */
    public record Entry(int vmid, String node, String fingerprint, Map<String, String> config, Instant readAt) {

        public Entry {
            config = Map.copyOf(config);
        }
    }

    public Map<Integer, Entry> all(Connection c) throws SQLException {
        Map<Integer, Entry> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT vmid, node, fingerprint, config::text, read_at FROM vm_config_cache");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getInt(1), new Entry(rs.getInt(1), rs.getString(2), rs.getString(3), parse(rs.getString(4)),
                        rs.getTimestamp(5).toInstant()));
            }
        }
        return out;
    }

    public void put(Connection c, Collection<Entry> entries) throws SQLException {
        if (entries.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO vm_config_cache (vmid, node, fingerprint, config, read_at) VALUES (?, ?, ?, ?::jsonb, ?)
                ON CONFLICT (vmid) DO UPDATE SET node = excluded.node, fingerprint = excluded.fingerprint,
                    config = excluded.config, read_at = excluded.read_at""")) {
            for (Entry e : entries) {
                ps.setInt(1, e.vmid());
                ps.setString(2, e.node());
                ps.setString(3, e.fingerprint());
                ps.setString(4, json(e.config()));
                ps.setTimestamp(5, Timestamp.from(e.readAt()));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Drops the rows of VMs that are no longer in the inventory. */
    public void retainOnly(Connection c, Collection<Integer> vmids) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM vm_config_cache WHERE NOT (vmid = ANY (?))")) {
            Array ids = c.createArrayOf("integer", vmids.toArray());
            ps.setArray(1, ids);
            ps.executeUpdate();
        }
    }

    /** Called by commands that change a VM's config: the next inventory reads it again. */
    public void forget(Connection c, int vmid) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM vm_config_cache WHERE vmid = ?")) {
            ps.setInt(1, vmid);
            ps.executeUpdate();
        }
    }

    private static String json(Map<String, String> config) {
        try {
            return Json.MAPPER.writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a VM config cannot be written as JSON", e);
        }
    }

    private static Map<String, String> parse(String json) throws SQLException {
        try {
            return Json.MAPPER.readValue(json, new TypeReference<Map<String, String>>() { });
        } catch (JsonProcessingException e) {
            throw new SQLException("vm_config_cache.config is not a JSON object of strings: " + json, e);
        }
    }
}
