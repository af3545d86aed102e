package dev.fleetplane.pvesim.qemu;

/**
 * What runs "inside" a simulated guest. Called by the power tasks outside the inventory's monitor, because booting
 * a guest may start real processes.
 */
public interface GuestRuntime extends AutoCloseable {

    /** Boots the guest; returns once it is reachable. Throws {@code TaskFailure} with a clear message otherwise. */
    void boot(int vmid, String address) throws Exception;

    /** Powers the guest off (kills its processes). Idempotent. */
    void halt(int vmid);

    /** Removes everything the guest left behind (its disk, so to speak). Idempotent. */
    void destroy(int vmid);

    @Override
    void close();

    /** Guests without processes: the agent still reports addresses, nothing listens on them. */
    GuestRuntime NONE = new GuestRuntime() {
        @Override
        public void boot(int vmid, String address) {
        }

        @Override
        public void halt(int vmid) {
        }

        @Override
        public void destroy(int vmid) {
        }

        @Override
        public void close() {
        }
    };
}
