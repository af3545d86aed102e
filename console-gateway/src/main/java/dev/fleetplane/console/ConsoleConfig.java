package dev.fleetplane.console;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The console gateway's settings ({@code fleetplane.console.*}; environment variables override). */
@ConfigMapping(prefix = "fleetplane.console")
public interface ConsoleConfig {

    /** How the gateway reaches serial lines: {@code pve-api} (termproxy + vncwebsocket) or {@code node-ssh}. */
    @WithDefault("pve-api")
    String backend();

    Pve pve();

    NodeSsh nodeSsh();

    /** Who may open consoles, by name. */
    Map<String, Operator> operators();

    /**
     * More operators, from a file (a mounted secret): one per line, {@code <name> <read|write> <host globs,comma>
     * <token sha256 hex>}; blank lines and {@code #} comments skipped. Read at start.
     */
    Optional<Path> operatorsFile();

    /** Output kept per VM and replayed to a viewer who joins late. */
    @WithDefault("65536")
    int scrollbackBytes();

    /** A console with neither input nor output this long is closed, its viewers told why. */
    @WithDefault("PT15M")
    Duration idleTimeout();

    /** How long a VM's line stays open after its last viewer left (a browser reload finds it still there). */
    @WithDefault("PT30S")
    Duration linger();

    /** Whether input and output are stored in PostgreSQL (typed passwords redacted). */
    @WithDefault("false")
    boolean transcript();

    /** Output a viewer may have queued but not read; past it the viewer is dropped (4429), the others go on. */
    @WithDefault("4194304")
    long viewerQueueBytes();

    /** Time a client has to send its auth message after opening the socket. */
    @WithDefault("PT10S")
    Duration authTimeout();

    /** The Proxmox API, logged in as a console user (VM.Console and VM.Audit only). */
    interface Pve {
        /** {@code https://<node>:8006/api2/json}. */
        Optional<String> url();

        /** The console user ({@code console@pve}): a ticket login, which every PVE version accepts for termproxy. */
        Optional<String> username();

        Optional<String> password();

        /** An API token instead: vncwebsocket accepts it only on PVE 9.1 with qemu-server 9.1.7 or later. */
        Optional<String> tokenId();

        Optional<String> tokenSecret();

        @WithDefault("false")
        boolean insecure();

        Optional<Path> caFile();

        /** The API certificate's SHA-256 fingerprint, pinned. */
        Optional<String> fingerprint();

        @WithDefault("PT10S")
        Duration connectTimeout();

        @WithDefault("PT30S")
        Duration readTimeout();

        /** termproxy's keep-alive: main.js sends {@code 2} every 30 s. */
        @WithDefault("PT30S")
        Duration keepalive();
    }

    /** SSH to the node, running {@code qm terminal <vmid> -iface serial0} (the seed's route). */
    interface NodeSsh {
        /** The node's SSH address when there is one node. */
        Optional<String> host();

        /** Per-node SSH addresses in a cluster; a node missing here falls back to {@link #host()}. */
        Map<String, String> nodeHosts();

        @WithDefault("22")
        int port();

        @WithDefault("root")
        String user();

        /** Private key in OpenSSH format, unencrypted. */
        Optional<Path> identityFile();

        /** The node's host key fingerprint as {@code ssh-keygen -lf} prints it ({@code SHA256:…}); required. */
        Optional<String> hostKeyFingerprint();

        @WithDefault("PT10S")
        Duration connectTimeout();
    }

    /** One operator: a bearer token (only its hash is configured), the hosts it may open, read or write. */
    interface Operator {
        /** Hex SHA-256 of the operator's token. */
        String tokenSha256();

        /** Globs of host names ({@code *}, {@code web-*}); any match allows. */
        @WithDefault("*")
        List<String> hosts();

        /** {@code write} (may take the keyboard) or {@code read} (watches only). */
        @WithDefault("write")
        String access();
    }
}
