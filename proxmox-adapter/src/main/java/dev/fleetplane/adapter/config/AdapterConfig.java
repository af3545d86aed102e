package dev.fleetplane.adapter.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** The adapter's settings, prefix {@code fleetplane.adapter}; environment variables override (see application.properties). */
@ConfigMapping(prefix = "fleetplane.adapter")
public interface AdapterConfig {

    Pve pve();

    Tasks tasks();

    Retry retry();

    Guest guest();

    Inventory inventory();

    Limits limits();

    Vmid vmid();

    /** Bounds on Proxmox work in flight, so parallel clones do not die on storage/config lock timeouts. */
    interface Limits {
        /** Clone tasks in flight per node (queued clones wait for a slot; counted over all adapter replicas). */
        @WithDefault("4")
        int clonesPerNode();

        /** Clone tasks in flight per target storage (full clones with a {@code targetStorage}). */
        @WithDefault("2")
        int clonesPerStorage();
    }

    /** VMIDs the adapter may hand out itself (templates, smoke-test clones): never a spec'd VMID. */
    interface Vmid {
        /** Inclusive range {@code first-last}, e.g. {@code 9000-9099}. */
        @WithDefault("9000-9099")
        String range();

        /** A reservation nobody used (no VM appeared) is released after this. */
        @WithDefault("PT30M")
        Duration reservationTtl();
    }

    /** Where Proxmox is and how to authenticate. */
    interface Pve {
        /** API root, e.g. {@code https://pve.lan:8006/api2/json} (env {@code PVE_URL}). */
        String url();

        /** API token id {@code user@realm!name} (env {@code PVE_TOKEN_ID}). */
        Optional<String> tokenId();

        /** API token secret (env {@code PVE_TOKEN_SECRET}); never logged. */
        Optional<String> tokenSecret();

        /**
         * Accept any TLS certificate (self-signed nodes); a loud warning is logged at startup. Prefer
         * {@link #fingerprint()} or {@link #caFile()}; only one of the three may be set.
         */
        @WithDefault("false")
        boolean insecure();

        /**
         * PEM file of the CA the node's certificate must chain to (a cluster's {@code /etc/pve/pve-root-ca.pem}), host
         * name checked (env {@code PVE_CA_FILE}).
         */
        Optional<String> caFile();

        /**
         * SHA-256 fingerprint of exactly the node's certificate, as the Proxmox GUI shows it ({@code AB:12:…}); any
         * other certificate is refused, whoever signed it (env {@code PVE_FINGERPRINT}).
         */
        Optional<String> fingerprint();

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

        /** A hard stop ({@code qmstop}) still running after this fails with {@code timeout}. */
        @WithDefault("PT5M")
        Duration stopTimeout();

        /**
         * Added to a graceful stop's own {@code timeoutSeconds} before the adapter stops waiting for the
         * {@code qmshutdown} task and stops the VM hard.
         */
        @WithDefault("PT30S")
        Duration shutdownGrace();

        @WithDefault("PT10M")
        Duration resizeTimeout();

        /** A destroy removes disks; on slow storage that takes a while. */
        @WithDefault("PT15M")
        Duration destroyTimeout();

        /** An asynchronous config update (one that allocates an EFI disk). */
        @WithDefault("PT5M")
        Duration configureTimeout();

        /** A restore of a backup archive (a create): it copies every disk, like a full clone. */
        @WithDefault("PT30M")
        Duration createTimeout();

        /** A conversion to a template (renames the disks to {@code base-…}). */
        @WithDefault("PT10M")
        Duration templateTimeout();

        /**
         * A reboot ({@code qmreboot}: the guest shuts down, then the VM starts again) still running after this plus the
         * command's own {@code timeoutSeconds} fails with {@code timeout}.
         */
        @WithDefault("PT10M")
        Duration rebootTimeout();

        /**
         * An image upload's {@code imgcopy} task (Proxmox copies the spooled file into the storage, verifying its
         * checksum) still running after this fails with {@code timeout}; the streaming before it is not counted.
         */
        @WithDefault("PT30M")
        Duration uploadTimeout();

        /**
         * Per-host overrides, keyed by the command's subject (host name), e.g.
         * {@code fleetplane.adapter.tasks.host."big-db".clone-timeout=PT2H}; unset keys fall back to the global value.
         */
        @WithName("host")
        Map<String, HostTimeouts> hosts();
    }

    /** Timeouts of one host; each overrides the global one of the same name when set. */
    interface HostTimeouts {
        Optional<Duration> cloneTimeout();

        Optional<Duration> startTimeout();

        Optional<Duration> stopTimeout();

        Optional<Duration> resizeTimeout();

        Optional<Duration> destroyTimeout();

        Optional<Duration> configureTimeout();

        Optional<Duration> createTimeout();

        Optional<Duration> templateTimeout();

        Optional<Duration> rebootTimeout();

        Optional<Duration> uploadTimeout();

        Optional<Duration> shutdownGrace();
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

    /** How {@code SyncInventory} enriches the one {@code /cluster/resources} answer with VM configs. */
    interface Inventory {
        /**
         * A cached config is read again after this long even if the VM's resource entry did not change, which bounds
         * how long a hand edit of a key {@code /cluster/resources} does not show (bios, cpu, description) stays unseen.
         */
        @WithDefault("PT1H")
        Duration configMaxAge();

        /** Config reads in flight at once when many VMs need one (pveproxy has 3 workers by default). */
        @WithDefault("4")
        int configReadConcurrency();

        /** How often the adapter looks at Proxmox on its own and publishes what changed ({@code PT0S}: never). */
        @WithDefault("PT5M")
        Duration publishInterval();

        /** A scheduled look that finds the fleet unchanged publishes it again only after this (a heartbeat). */
        @WithDefault("PT1H")
        Duration publishUnchangedAfter();
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
