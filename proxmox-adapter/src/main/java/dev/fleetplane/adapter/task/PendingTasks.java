package dev.fleetplane.adapter.task;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.fleetplane.events.Json;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The {@code pve_task} table: tasks in flight, oldest-polled first. */
@ApplicationScoped
public class PendingTasks {

    public void insert(Connection c, PendingTask t) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO pve_task (upid, node, vmid, operation, command_event_id, command_type, host, kafka_key,
                                      correlation_id, details, deadline)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?)""")) {
            ps.setString(1, t.upid());
            ps.setString(2, t.node());
            ps.setInt(3, t.vmid());
            ps.setString(4, t.operation());
            ps.setString(5, t.commandEventId());
            ps.setString(6, t.commandType());
            ps.setString(7, t.host());
            ps.setString(8, t.kafkaKey());
            ps.setString(9, t.correlationId());
            ps.setString(10, json(t.details()));
            ps.setTimestamp(11, Timestamp.from(t.deadline()));
            ps.executeUpdate();
        }
    }

    /**
     * Rows to look at now: every row not polled within {@code minInterval} (a woken poller must not ask Proxmox about
     * the same running task many times a second), queued clones always (they only cost a slot check).
     */
    public List<PendingTask> due(Connection c, int limit, java.time.Duration minInterval) throws SQLException {
        List<PendingTask> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT id, upid, node, vmid, operation, command_event_id, command_type, host, kafka_key, correlation_id,
                       details::text AS details, deadline, created_at
                FROM pve_task
                WHERE (not_before IS NULL OR not_before <= now())
                  AND (operation = 'clone-queued' OR polled_at IS NULL OR polled_at <= now() - ? * interval '1 millisecond')
                  -- a clone being dispatched belongs to the replica doing it, unless that one died mid-POST
                  AND NOT (operation = 'clone-dispatching' AND polled_at > now() - interval '2 minutes')
                ORDER BY polled_at NULLS FIRST, id LIMIT ?""")) {
            ps.setLong(1, minInterval.toMillis());
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new PendingTask(rs.getLong("id"), rs.getString("upid"), rs.getString("node"), rs.getInt("vmid"),
                            rs.getString("operation"), rs.getString("command_event_id"), rs.getString("command_type"),
                            rs.getString("host"), rs.getString("kafka_key"), rs.getString("correlation_id"),
                            details(rs.getString("details")), rs.getTimestamp("deadline").toInstant(),
                            rs.getTimestamp("created_at").toInstant()));
                }
            }
        }
        return out;
    }

    public void markPolled(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE pve_task SET polled_at = now() WHERE id = ?")) {
            ps.setLong(1, id);
            ps.executeUpdate();
        }
    }

    /** Removes the row; false when another replica already answered it (then the caller writes nothing). */
    public boolean take(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM pve_task WHERE id = ?")) {
            ps.setLong(1, id);
            return ps.executeUpdate() == 1;
        }
    }

    public int count(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pve_task");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static String json(Map<String, String> details) {
        try {
            return Json.MAPPER.writeValueAsString(details);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("task details cannot be written as JSON", e);
        }
    }

    private static Map<String, String> details(String json) throws SQLException {
        try {
            return Json.MAPPER.readValue(json, new TypeReference<Map<String, String>>() { });
        } catch (JsonProcessingException e) {
            throw new SQLException("pve_task.details is not a JSON object of strings: " + json, e);
        }
    }
}
