package dev.fleetplane.pvesim.qemu;

/**
 * What runs "inside" a simulated guest. Called by the power tasks outside the inventory's monitor, because booting
 * a guest may start real processes.
 */
public interface GuestRuntime extends AutoCloseable {

    /** Boots the guest; returns once it is reachable. Throws {@code TaskFailure} with a clear message otherwise. */
    void boot(int vmid, String address) throws Exception;

    /**
     * Boots the guest from its VM's config. Runtimes that need only an address (the default) get the VM's fixed
     * loopback address.
     */
    default void boot(GuestBoot spec) throws Exception {
        boot(spec.vmid(), GuestAddresses.ipv4(spec.vmid()));
    }

    /**
     * The guest's real interfaces in the agent's {@code network-get-interfaces} shape, when the runtime has real
     * ones (empty: the agent answers from the VM's config).
     */
    default java.util.Optional<java.util.List<java.util.Map<String, Object>>> interfaces(int vmid) {
        return java.util.Optional.empty();
    }

    /** The guest's current IPv4 address (its lease), when the runtime hands out its own. */
    default java.util.Optional<String> ipv4(int vmid) {
        return java.util.Optional.empty();
    }

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
