package dev.fleetplane.console.backend;

import dev.fleetplane.console.ConsoleConfig;
import dev.fleetplane.proxmox.client.PveConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Turns {@code fleetplane.console.*} into the chosen backend's settings, refusing a half-configured one with the key
 * that is missing or wrong (and its environment variable). Pure apart from checking that named files are readable.
 */
public final class BackendSettings {

    private BackendSettings() {
    }

    /** What an unconfigured {@code pve-api} backend needs. */
    static final String PVE_API_NEEDS = "set fleetplane.console.pve.username and .password (PVE_CONSOLE_USERNAME,"
            + " PVE_CONSOLE_PASSWORD: a console user with VM.Console + VM.Audit), or an API token with"
            + " fleetplane.console.pve.token-id and .token-secret (PVE 9.1 with qemu-server 9.1.7 or later)";
    /** What an unconfigured {@code node-ssh} backend needs. */
    static final String NODE_SSH_NEEDS = "set fleetplane.console.node-ssh.host (FLEETPLANE_CONSOLE_NODE_SSH_HOST),"
            + " .identity-file and .host-key-fingerprint";

    /** Whether any credential of the {@code pve-api} backend is set (the URL has a default and does not count). */
    public static boolean anySet(ConsoleConfig.Pve pve) {
        return present(pve.username()).isPresent() || present(pve.password()).isPresent()
                || present(pve.tokenId()).isPresent() || present(pve.tokenSecret()).isPresent();
    }

    /** Whether any setting of the {@code node-ssh} backend that has no default is set. */
    public static boolean anySet(ConsoleConfig.NodeSsh ssh) {
        return present(ssh.host()).isPresent() || !ssh.nodeHosts().isEmpty() || ssh.identityFile().isPresent()
                || present(ssh.hostKeyFingerprint()).isPresent();
    }

    /**
     * The Proxmox connection of the {@code pve-api} backend: the console user, or else an API token. Refuses a
     * half-configured one (and, when called, an unconfigured one) naming what is missing.
     */
    public static PveConnection pveConnection(ConsoleConfig.Pve pve) {
        String url = present(pve.url()).orElseThrow(() -> new IllegalStateException(
                "fleetplane.console.backend=pve-api needs fleetplane.console.pve.url (PVE_URL), e.g."
                        + " https://pve:8006/api2/json"));
        Optional<String> user = present(pve.username());
        Optional<String> password = present(pve.password());
        Optional<String> tokenId = present(pve.tokenId());
        Optional<String> tokenSecret = present(pve.tokenSecret());
        if (user.isPresent() && tokenId.isPresent()) {
            throw new IllegalStateException("fleetplane.console.pve: set either username/password (the console user)"
                    + " or token-id/token-secret, not both");
        }
        URI base;
        try {
            base = URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("fleetplane.console.pve.url (PVE_URL) '" + url + "' is not a URL: "
                    + e.getMessage());
        }
        PveConnection c;
        try {
            if (user.isPresent() || password.isPresent()) {
                String u = user.orElseThrow(() -> missing("fleetplane.console.pve.username", "PVE_CONSOLE_USERNAME",
                        "the console user, e.g. console@pve, to go with the password"));
                String p = password.orElseThrow(() -> missing("fleetplane.console.pve.password",
                        "PVE_CONSOLE_PASSWORD", "the password of console user " + u));
                c = PveConnection.withPassword(url.trim(), u, p);
            } else if (tokenId.isPresent() || tokenSecret.isPresent()) {
                String id = tokenId.orElseThrow(() -> missing("fleetplane.console.pve.token-id",
                        "PVE_CONSOLE_TOKEN_ID", "the API token id to go with the token secret"));
                String secret = tokenSecret.orElseThrow(() -> missing("fleetplane.console.pve.token-secret",
                        "PVE_CONSOLE_TOKEN_SECRET", "the secret of API token " + id));
                c = new PveConnection(base, id, secret, false, null, null);
            } else {
                throw new IllegalStateException("the pve-api console backend has no credentials: " + PVE_API_NEEDS);
            }
            c = c.timeouts(pve.connectTimeout(), pve.readTimeout()).insecure(pve.insecure());
            if (pve.caFile().isPresent()) {
                Path ca = pve.caFile().get();
                if (!Files.isReadable(ca)) {
                    throw new IllegalStateException("fleetplane.console.pve.ca-file (PVE_CA_FILE) " + ca
                            + " does not exist or is not readable");
                }
                c = c.caFile(ca);
            }
            if (present(pve.fingerprint()).isPresent()) {
                c = c.fingerprint(pve.fingerprint().get());
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("fleetplane.console.pve: " + e.getMessage(), e);
        }
        return c;
    }

    /** The {@code node-ssh} backend's settings: an address, the identity file and the pinned host key. */
    public static NodeSshBackend.Settings nodeSsh(ConsoleConfig.NodeSsh ssh) {
        Optional<String> host = present(ssh.host());
        if (host.isEmpty() && ssh.nodeHosts().isEmpty()) {
            throw missing("fleetplane.console.node-ssh.host", "FLEETPLANE_CONSOLE_NODE_SSH_HOST",
                    "the node's SSH address (or fleetplane.console.node-ssh.node-hosts.<node> per node)");
        }
        Path identity = ssh.identityFile().orElseThrow(() -> missing("fleetplane.console.node-ssh.identity-file",
                "FLEETPLANE_CONSOLE_NODE_SSH_IDENTITY_FILE", "the private key the node's root accepts"));
        if (!Files.isReadable(identity)) {
            throw new IllegalStateException("fleetplane.console.node-ssh.identity-file " + identity
                    + " does not exist or is not readable");
        }
        String fingerprint = present(ssh.hostKeyFingerprint()).orElseThrow(() -> missing(
                "fleetplane.console.node-ssh.host-key-fingerprint", "FLEETPLANE_CONSOLE_NODE_SSH_HOST_KEY_FINGERPRINT",
                "the node's host key as ssh-keygen -lf prints it (SHA256:…)"));
        if (!fingerprint.startsWith("SHA256:")) {
            throw new IllegalStateException("fleetplane.console.node-ssh.host-key-fingerprint must read SHA256:…"
                    + " (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub on the node)");
        }
        if (ssh.port() < 1 || ssh.port() > 65535) {
            throw new IllegalStateException("fleetplane.console.node-ssh.port " + ssh.port() + " is out of range 1..65535");
        }
        return new NodeSshBackend.Settings(host, ssh.nodeHosts(), ssh.port(), ssh.user(), identity, fingerprint,
                ssh.connectTimeout());
    }

    private static Optional<String> present(Optional<String> value) {
        return value.map(String::trim).filter(v -> !v.isEmpty());
    }

    private static IllegalStateException missing(String key, String env, String what) {
        return new IllegalStateException("the console backend is half-configured: " + key + " (" + env
                + ") is missing: " + what);
    }
}
