package dev.fleetplane.adapter.commands;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * What a handled command leaves behind, written in one transaction with the inbox row: outbox events,
 * task rows, ownership rows. Handlers do their Proxmox I/O first, then return this.
 */
@FunctionalInterface
public interface Outcome {

    void write(Connection connection) throws SQLException;
}
