package dev.fleetplane.provisioner;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** The provisioner's settings ({@code fleetplane.provisioner.*}; environment variables override). */
@ConfigMapping(prefix = "fleetplane.provisioner")
public interface ProvisionerConfig {

    IpResolution ipResolution();

    Ssh ssh();

    Rebuild rebuild();

    /** How the guest's address is asked for through the proxmox-adapter. */
    interface IpResolution {
        /** Pause after the first unanswered/empty query; doubles up to {@link #maxBackoff()}. */
        @WithDefault("PT0.5S")
        Duration initialBackoff();

        @WithDefault("PT5S")
        Duration maxBackoff();

        /** How long after the ProvisionHost command the guest may take to show a usable address. */
        @WithDefault("PT300S")
        Duration deadline();

        /** A query the adapter has not answered within this is sent again. */
        @WithDefault("PT15S")
        Duration replyTimeout();

        /** How often the scheduler looks for queries that are due. */
        @WithDefault("PT0.2S")
        Duration tick();

        /** Passed to QueryGuestNetwork: ask the adapter to choose an IPv6 address. */
        @WithDefault("false")
        boolean preferIpv6();
    }

    /** How the provisioner logs in to guests. */
    interface Ssh {
        /** The guests' sshd port (22 on real guests, 2222 on the demo's simulated guests). */
        @WithDefault("22")
        int port();

        /**
         * Private key in OpenSSH format (ed25519), unencrypted: the provisioner never prompts.
         * Env {@code FLEETPLANE_PROVISIONER_SSH_IDENTITY_FILE}. Without it every rebuild fails at step {@code ssh}.
         */
        Optional<Path> identityFile();

        @WithDefault("PT10S")
        Duration connectTimeout();

        /** Interval of SSH keepalive requests; a peer that misses three is considered gone. */
        @WithDefault("PT10S")
        Duration keepalive();
    }

    /** How the rebuild command runs. */
    interface Rebuild {
        /** Longest a rebuild may run before it is cut off and reported failed. */
        @WithDefault("PT30M")
        Duration timeout();

        /** How many of the last output lines go into events. */
        @WithDefault("50")
        int tailLines();

        /** Longest output line kept; longer lines are cut (memory stays bounded whatever the guest prints). */
        @WithDefault("1000")
        int maxLineLength();

        /** Rebuilds run at the same time (each holds one SSH connection). */
        @WithDefault("4")
        int workers();
    }
}
