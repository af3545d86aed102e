package dev.fleetplane.adapter.vmid;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

/**
 * The {@code vmid_lease} table. Its primary key is what makes a reservation race-free across adapter replicas: of
 * two inserts of one VMID exactly one succeeds.
 */
@ApplicationScoped
public class VmidLeases {

    /** Drops reservations nobody used in time (returns how many). */
    public int expire(Connection c, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM vmid_lease WHERE expires_at < ?")) {
            ps.setTimestamp(1, Timestamp.from(now));
            return ps.executeUpdate();
        }
    }

    public Set<Integer> reserved(Connection c, VmidRange range) throws SQLException {
        Set<Integer> out = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT vmid FROM vmid_lease WHERE vmid BETWEEN ? AND ?")) {
            ps.setInt(1, range.first());
            ps.setInt(2, range.last());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getInt(1));
                }
            }
        }
        return out;
    }

    /** Reserves {@code vmid} for {@code holder}; false when another allocation (any replica) holds it. */
    public boolean tryReserve(Connection c, int vmid, String holder, Instant expiresAt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO vmid_lease (vmid, holder, expires_at) VALUES (?, ?, ?) ON CONFLICT (vmid) DO NOTHING")) {
            ps.setInt(1, vmid);
            ps.setString(2, holder);
            ps.setTimestamp(3, Timestamp.from(expiresAt));
            return ps.executeUpdate() == 1;
        }
    }

    /** Gives {@code vmid} back (only the holder can); false when it held nothing. */
    public boolean release(Connection c, int vmid, String holder) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM vmid_lease WHERE vmid = ? AND holder = ?")) {
            ps.setInt(1, vmid);
            ps.setString(2, holder);
            return ps.executeUpdate() == 1;
        }
    }

    /** The VMID {@code holder} reserved earlier, if any (a redelivered command gets the same one). */
    public java.util.OptionalInt heldBy(Connection c, String holder) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT vmid FROM vmid_lease WHERE holder = ? ORDER BY vmid LIMIT 1")) {
            ps.setString(1, holder);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? java.util.OptionalInt.of(rs.getInt(1)) : java.util.OptionalInt.empty();
            }
        }
    }

    /** Drops whatever {@code holder} reserved (the VM now exists, or will never be created). */
    public int releaseAll(Connection c, String holder) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM vmid_lease WHERE holder = ?")) {
            ps.setString(1, holder);
            return ps.executeUpdate();
        }
    }
}
