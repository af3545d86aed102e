package dev.fleetplane.provisioner.ssh;

import dev.fleetplane.messaging.Database;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Optional;

/** The host keys pinned on first contact ({@code provisioner.known_host}), by host name. */
@ApplicationScoped
public class HostKeyPins {

    @Inject
    Database database;

    public Optional<HostKey> pinned(String host) {
        return database.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT key_type, fingerprint, public_key FROM known_host WHERE host = ?")) {
                ps.setString(1, host);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next()
                            ? Optional.of(new HostKey(rs.getString(1), rs.getString(2), rs.getString(3)))
                            : Optional.empty();
                }
            }
        });
    }

    /**
     * Pins {@code offered} for {@code host} unless a key is pinned already; returns the key pinned now
     * (the offered one on first contact, or the earlier pin, even one a concurrent connection just wrote).
     */
    public HostKey pinIfFirst(String host, String address, HostKey offered) {
        database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO known_host (host, key_type, fingerprint,"
                    + " public_key, first_address) VALUES (?, ?, ?, ?, ?) ON CONFLICT (host) DO NOTHING")) {
                ps.setString(1, host);
                ps.setString(2, offered.keyType());
                ps.setString(3, offered.fingerprint());
                ps.setString(4, offered.publicKey());
                ps.setString(5, address);
                return ps.executeUpdate();
            }
        });
        return pinned(host).orElseThrow(() -> new IllegalStateException("known_host row of " + host + " vanished"));
    }

    /** Drops the pin of {@code host} (its VM was just created anew: a new host key is expected); true if one existed. */
    public boolean forget(java.sql.Connection c, String host) throws java.sql.SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM known_host WHERE host = ?")) {
            ps.setString(1, host);
            return ps.executeUpdate() == 1;
        }
    }
}
