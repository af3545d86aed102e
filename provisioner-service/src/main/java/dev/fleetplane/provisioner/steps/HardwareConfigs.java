package dev.fleetplane.provisioner.steps;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/** The {@code hardware_config} table: each host's {@code hardware-configuration.nix} as fleetplane keeps it. */
@ApplicationScoped
public class HardwareConfigs {

    public Optional<String> find(Connection c, String host) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT content FROM hardware_config WHERE host = ?")) {
            ps.setString(1, host);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    public void store(Connection c, String host, int vmid, String content) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO hardware_config (host, vmid, content, sha256)"
                + " VALUES (?, ?, ?, ?) ON CONFLICT (host) DO UPDATE SET vmid = EXCLUDED.vmid,"
                + " content = EXCLUDED.content, sha256 = EXCLUDED.sha256, generated_at = now()")) {
            ps.setString(1, host);
            ps.setInt(2, vmid);
            ps.setString(3, content);
            ps.setString(4, HardwareConfigPolicy.sha256(content));
            ps.executeUpdate();
        }
    }
}
