package dev.fleetplane.proxmox.client;

/**
 * Bench-only: proxmox-client's upload path for a driver without a Quarkus runtime (the task status is
 * {@link PveReadOnlyClient#taskStatus}'s).
 *
 * <p>Why this class sits in proxmox-client's package, inside the bench module: {@link ProxmoxClient#connect} builds
 * Quarkus REST clients and refuses to run without ArC, yet {@link ProxmoxClient#upload} never touches them (it streams
 * over {@link PveUpload}). The benchmark must time exactly that method, the one the adapter's UploadImage handler
 * calls, without changing the library for a measurement; the constructor it needs is package-private. The bench runs
 * on a plain class path (no module system), where a package split over two jars is legal. Nothing outside
 * {@code bench} may use this.
 */
public final class BenchPveAccess {

    private BenchPveAccess() {
    }

    /**
     * A {@link ProxmoxClient} of which only {@link ProxmoxClient#upload} works (API token only: a ticket session would
     * need the REST client to log in). Every other call, and {@code close()}, fails: do not close it.
     */
    public static ProxmoxClient uploadOnly(PveConnection connection) {
        if (connection.ticketLogin()) {
            throw new IllegalArgumentException("the bench uploads with an API token, not a user and password ("
                    + connection.principal() + ")");
        }
        return new ProxmoxClient(connection, null, null, null);
    }
}
