package dev.fleetplane.adapter.clone;

import dev.fleetplane.adapter.limits.CloneSlots;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;

/**
 * The clone states of a {@code pve_task} row: {@code clone-queued} (waiting for a slot), {@code clone-dispatching}
 * (slot held, POST in flight), {@code clone} (task running). Slots are counted over all replicas under one advisory
 * lock, so two replicas never both take the last slot.
 */
@ApplicationScoped
public class CloneQueue {

    public static final String QUEUED = "clone-queued";
    public static final String DISPATCHING = "clone-dispatching";
    public static final String RUNNING = CloneHandler.OPERATION;
    /** {@code details.kind} of a queued create that is a restore (a clone has none). */
    public static final String RESTORE_KIND = "restore";
    /** The operation a restore's failure names. */
    public static final String RESTORE_OPERATION = "restore";
    /** {@code details.kind} of a queued create that imports a disk ({@code POST /nodes/{node}/qemu} with import-from). */
    public static final String IMPORT_KIND = "import";
    /** The operation an import's failure names. */
    public static final String IMPORT_OPERATION = "import";
    /** Prefix of the {@code details} keys that carry an import's create parameters ({@code config.scsi0}, …). */
    public static final String CONFIG_PREFIX = "config.";
    private static final long SLOT_LOCK = 0x464C_434C_4F4EL; // "FLCLON": the advisory lock guarding slot counts

    /**
     * Takes a slot for the queued row {@code id} if its node and storage have one free: the row becomes
     * {@code clone-dispatching} with a fresh deadline. False when no slot is free or the row is no longer queued.
     */
    public boolean tryTakeSlot(Connection c, long id, String node, String storage, CloneSlots limits, Instant deadline)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            ps.setLong(1, SLOT_LOCK);
            ps.execute();
        }
        String st = storage == null ? "" : storage;
        int onNode;
        int onStorage;
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT count(*) FILTER (WHERE node = ?),
                       count(*) FILTER (WHERE ? <> '' AND details->>'storage' = ?)
                FROM pve_task WHERE operation IN ('clone', 'clone-dispatching')""")) {
            ps.setString(1, node);
            ps.setString(2, st);
            ps.setString(3, st);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                onNode = rs.getInt(1);
                onStorage = rs.getInt(2);
            }
        }
        if (!limits.free(onNode, st, onStorage)) {
            return false;
        }
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE pve_task SET operation = 'clone-dispatching', polled_at = now(), deadline = ?
                WHERE id = ? AND operation = 'clone-queued'""")) {
            ps.setTimestamp(1, Timestamp.from(deadline));
            ps.setLong(2, id);
            return ps.executeUpdate() == 1;
        }
    }

    /** The POST answered: the row now follows the clone task ({@code upid} null: wait for the VM's lock). */
    public void dispatched(Connection c, long id, String upid) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE pve_task SET operation = 'clone', upid = ?, polled_at = NULL WHERE id = ?")) {
            ps.setString(1, upid);
            ps.setLong(2, id);
            ps.executeUpdate();
        }
    }

    /** Gives the slot back and retries after {@code notBefore} (lock contention, transient trouble). */
    public void requeue(Connection c, long id, int attempts, boolean answerLost, Instant notBefore) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE pve_task SET operation = 'clone-queued', not_before = ?, polled_at = NULL,
                       details = details || jsonb_build_object('attempts', ?::text, 'answerLost', ?::text)
                WHERE id = ?""")) {
            ps.setTimestamp(1, Timestamp.from(notBefore));
            ps.setString(2, Integer.toString(attempts));
            ps.setString(3, Boolean.toString(answerLost));
            ps.setLong(4, id);
            ps.executeUpdate();
        }
    }

    /** Clones waiting for a slot (the figure the DESIGN calls "queued"). */
    public int queued(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pve_task WHERE operation = 'clone-queued'");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
