package dev.fleetplane.adapter.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** The adapter's settings, prefix {@code fleetplane.adapter}; environment variables override (see application.properties). */
@ConfigMapping(prefix = "fleetplane.adapter")
public interface AdapterConfig {

    Pve pve();

    Tasks tasks();

    Retry retry();

    Guest guest();

    /** Where Proxmox is and how to authenticate. */
    interface Pve {
        /** API root, e.g. {@code https://pve.lan:8006/api2/json} (env {@code PVE_URL}). */
        String url();

        /** API token id {@code user@realm!name} (env {@code PVE_TOKEN_ID}). */
        Optional<String> tokenId();

        /** API token secret (env {@code PVE_TOKEN_SECRET}); never logged. */
        Optional<String> tokenSecret();

        /** Accept any TLS certificate (self-signed nodes); a loud warning is logged at startup. */
        @WithDefault("false")
        boolean insecure();

        @WithDefault("PT10S")
        Duration connectTimeout();

        /** Slightly above pveproxy's own 30 s proxy timeout, so its 59x answer arrives first. */
        @WithDefault("PT35S")
        Duration readTimeout();
    }

    /** How Proxmox tasks (UPIDs) are followed. */
    interface Tasks {
        /** Pause between two polling rounds over the stored tasks. */
        @WithDefault("PT1S")
        Duration pollInterval();

        /** A clone (full copy of the template's disks) still running after this fails with {@code timeout}. */
        @WithDefault("PT30M")
        Duration cloneTimeout();

        @WithDefault("PT5M")
        Duration startTimeout();
    }

    /** Retries of calls that failed on lock contention or transient trouble (5xx/59x, connection). */
    interface Retry {
        @WithDefault("4")
        int attempts();

        @WithDefault("PT0.5S")
        Duration baseDelay();

        @WithDefault("PT8S")
        Duration maxDelay();
    }

    /** How the guest's address is chosen. */
    interface Guest {
        /**
         * Accept loopback addresses (127.0.0.0/8) on the guest NIC whose MAC is net0's. Only for the PVE simulator,
         * whose guests get loopback "DHCP" addresses so a real sshd can listen for each; never on real Proxmox.
         * Env {@code FLEETPLANE_ADAPTER_GUEST_ALLOW_LOOPBACK}.
         */
        @WithDefault("false")
        boolean allowLoopback();
    }
}
