package dev.fleetplane.adapter.ownership;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/** The {@code vm_ownership} table: which VMIDs fleetplane created, by which command, for which host. */
@ApplicationScoped
public class VmOwnership {

    /**
     * One owned VMID.
     *
     * @param destroyed fleetplane destroyed this VM; a VM at the VMID now is someone else's
     */
    public record Owner(int vmid, String node, String commandId, String host, String upid, boolean destroyed) {
    }

    public Optional<Owner> find(Connection c, int vmid) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT vmid, node, command_id, host, upid, destroyed_at IS NOT NULL FROM vm_ownership WHERE vmid = ?")) {
            ps.setInt(1, vmid);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Owner(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getBoolean(6)));
            }
        }
    }

    /** The VM {@code commandId} claimed, if it still stands (a re-handled RestoreVm finds its VMID again). */
    public Optional<Integer> claimedBy(Connection c, String commandId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT vmid FROM vm_ownership WHERE command_id = ? AND destroyed_at IS NULL ORDER BY vmid LIMIT 1")) {
            ps.setString(1, commandId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getInt(1)) : Optional.empty();
            }
        }
    }

    /**
     * Claims {@code vmid} for a command about to clone. The VMID is known to be absent from Proxmox, so a
     * leftover row (a VM destroyed since, or a failed clone) is taken over.
     */
    public void claim(Connection c, int vmid, String node, String commandId, String host) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO vm_ownership (vmid, node, command_id, host) VALUES (?, ?, ?, ?)
                ON CONFLICT (vmid) DO UPDATE SET node = excluded.node, command_id = excluded.command_id,
                    host = excluded.host, upid = NULL, destroyed_at = NULL, created_at = now()""")) {
            ps.setInt(1, vmid);
            ps.setString(2, node);
            ps.setString(3, commandId);
            ps.setString(4, host);
            ps.executeUpdate();
        }
    }

    public void recordTask(Connection c, int vmid, String upid) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE vm_ownership SET upid = ? WHERE vmid = ?")) {
            ps.setString(1, upid);
            ps.setInt(2, vmid);
            ps.executeUpdate();
        }
    }

    /** Marks the VM as destroyed by fleetplane (the row stays, so a repeated destroy is answered, not refused). */
    public void markDestroyed(Connection c, int vmid) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE vm_ownership SET destroyed_at = coalesce(destroyed_at, now()) WHERE vmid = ?")) {
            ps.setInt(1, vmid);
            ps.executeUpdate();
        }
    }

    /** Forgets a VMID whose clone failed (Proxmox removed the half-made VM). */
    public void release(Connection c, int vmid, String commandId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM vm_ownership WHERE vmid = ? AND command_id = ?")) {
            ps.setInt(1, vmid);
            ps.setString(2, commandId);
            ps.executeUpdate();
        }
    }
}
