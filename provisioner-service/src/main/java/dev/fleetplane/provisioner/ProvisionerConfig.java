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

    Steps steps();

    Rollback rollback();

    HardwareConfig hardwareConfig();

    Tailscale tailscale();

    Checkout checkout();

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
         * The user fleetplane logs in as before the first rebuild (the template's cloud-init user, or root). After the
         * switch it logs in as the host's {@code user} from the spec (the first rebuild disables root login).
         */
        @WithDefault("root")
        String bootstrapUser();

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

        /**
         * How long the rebuild step waits for the guest's sshd to accept a login (the agent may report an address
         * while sshd is still starting): refused connections, timeouts and a missing banner are retried until then;
         * a changed host key or a refused login fails at once.
         */
        @WithDefault("PT180S")
        Duration waitTimeout();
    }

    /** How replicas share the worker steps (rebuild, probe, integration): a lease per host. */
    interface Steps {
        /**
         * How long a step's lease lasts unless renewed (every third of it while the step runs): how long a step of
         * a replica that died waits before another replica resumes it.
         */
        @WithDefault("PT30S")
        Duration lease();

        /**
         * This replica's name in the leases; stable over its restarts, so it resumes its own steps at once.
         * Default: the machine's host name and the HTTP port.
         */
        Optional<String> owner();
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

        /** Output lines per {@code RebuildOutput} event while the rebuild runs. */
        @WithDefault("50")
        int outputBatchLines();

        /** {@code RebuildOutput} events one rebuild may publish; later lines are only counted (and in the tail). */
        @WithDefault("200")
        int outputMaxBatches();

        /**
         * How often one saga may run the rebuild command: a restart in the middle, or a rollback found afterwards,
         * makes it run again.
         */
        @WithDefault("2")
        int maxRuns();
    }

    /**
     * Magic rollback, as deploy-rs does it: before the rebuild a watchdog is armed on the guest
     * ({@code systemd-run}); once {@code /run/current-system} changes it waits {@link #confirmTimeout()} and then runs
     * {@code nixos-rebuild switch --rollback}, unless fleetplane disarmed it over a fresh SSH connection.
     */
    interface Rollback {
        @WithDefault("true")
        boolean enabled();

        /** How long after the switch the host must answer SSH as its user again; also the guest watchdog's wait. */
        @WithDefault("PT120S")
        Duration confirmTimeout();
    }

    /** {@code nixos-generate-config --show-hardware-config} on first provisioning, and what to do with a later one. */
    interface HardwareConfig {
        @WithDefault("true")
        boolean enabled();

        /** {@code keep} (the first one stays), {@code replace-if-changed}, or {@code always}. */
        @WithDefault("replace-if-changed")
        String policy();

        @WithDefault("nixos-generate-config --show-hardware-config")
        String command();

        @WithDefault("PT60S")
        Duration timeout();
    }

    /**
     * Rebuild from the operator's checkout instead of on the guest: with {@link #path()} set, the provisioner runs
     * {@code nixos-rebuild switch --flake <path>#<host> --target-host <user>@<ip>} on its own machine (over SSH with
     * the pinned host key and the fleet identity), and writes each host's {@code hardware-configuration.nix} into the
     * checkout ({@code git add}, never a commit). Without it the host's rebuild command runs on the guest.
     */
    interface Checkout {
        /**
         * The checkout: a git working tree holding the fleet's {@code flake.nix} (e.g. {@code /home/ops/nixosconfig}).
         * Env {@code FLEETPLANE_PROVISIONER_CHECKOUT_PATH}.
         */
        Optional<Path> path();

        /** Where a host's hardware configuration goes, relative to the checkout; {@code {host}} is the host name. */
        @WithDefault("hosts/{host}/hardware-configuration.nix")
        String hardwareConfigPath();

        /** The {@code nixos-rebuild} the provisioner runs (a name on its PATH, or a path). */
        @WithDefault("nixos-rebuild")
        String nixosRebuild();

        /**
         * What tells nixos-rebuild to activate through sudo when the login user is not root: {@code --use-remote-sudo}
         * (accepted by both nixos-rebuild and nixos-rebuild-ng) or {@code --sudo} (nixos-rebuild-ng, 25.05 on).
         */
        @WithDefault("--use-remote-sudo")
        String remoteSudoFlag();
    }

    /** Optional enrolment of integrated guests into a tailnet. */
    interface Tailscale {
        /** Off unless an OAuth client (scope auth_keys, owning the tags) is configured. */
        @WithDefault("false")
        boolean enabled();

        /** The Tailscale API; tests point it at a local fake. */
        @WithDefault("https://api.tailscale.com")
        java.net.URI apiBaseUrl();

        /** The tailnet's name, or "-" for the OAuth client's own tailnet. */
        @WithDefault("-")
        String tailnet();

        Optional<String> oauthClientId();

        /** Env {@code FLEETPLANE_PROVISIONER_TAILSCALE_OAUTH_CLIENT_SECRET}; never logged. */
        Optional<String> oauthClientSecret();

        /** Tags the minted keys carry and the guests advertise; the OAuth client must own every one. */
        @WithDefault("tag:fleetplane")
        java.util.List<String> tags();

        @WithDefault("PT5S")
        Duration connectTimeout();

        @WithDefault("PT15S")
        Duration requestTimeout();
    }
}
