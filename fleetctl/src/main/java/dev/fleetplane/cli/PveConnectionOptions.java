package dev.fleetplane.cli;

import dev.fleetplane.proxmox.client.PveConnection;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The options that say which Proxmox to talk to and how ({@code --pve-url}, the token, TLS trust), shared by every
 * command that reads Proxmox directly as a picocli {@code @Mixin}.
 */
final class PveConnectionOptions {

    @Option(names = "--pve-url", paramLabel = "URL",
            description = "Proxmox API URL, e.g. https://pve.lan:8006 (/api2/json is added when missing)")
    String pveUrl;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "API token user@realm!tokenid=secret (default: --token-file, else the PVE_TOKEN environment"
                    + " variable)")
    String token;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "read the token (user@realm!tokenid=secret) from the first line of FILE, which only its"
                    + " owner may read (chmod 600)")
    Path tokenFile;

    @Option(names = "--fingerprint", paramLabel = "SHA256",
            description = "https: trust exactly the node certificate with this SHA-256 fingerprint (AB:12:..., as the"
                    + " Proxmox GUI shows it; the host name is not checked)")
    String fingerprint;

    @Option(names = "--ca-file", paramLabel = "PEM",
            description = "https: trust certificates signed by these CA certificates (e.g. pve-root-ca.pem)")
    Path caFile;

    @Option(names = "--insecure", description = "https: accept any certificate and host name (throwaway labs only)")
    boolean insecure;

    /** The token from {@code --token}, else {@code --token-file}, else {@code PVE_TOKEN} in {@code env}. */
    PveToken token(Map<String, String> env) {
        if (token == null && tokenFile != null) {
            return PveToken.parse(readTokenFile(tokenFile), "--token-file " + tokenFile);
        }
        return PveToken.resolve(token, env);
    }

    /** The connection these options describe; a wrong option is a {@link CliException} naming it. */
    PveConnection connection(Map<String, String> env) {
        if (pveUrl == null || pveUrl.isBlank()) {
            throw new CliException("--pve-url is required: the Proxmox API, e.g. --pve-url https://pve.lan:8006");
        }
        PveToken t = token(env);
        try {
            return PveConnection.of(apiUrl(pveUrl), t.id(), t.secret()).insecure(insecure).fingerprint(fingerprint)
                    .caFile(caFile);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
    }

    static String readTokenFile(Path file) {
        return SecretFile.read(file, "--token-file", "user@realm!tokenid=secret");
    }

    /** {@code https://pve:8006} and {@code https://pve:8006/} mean the API root. */
    static String apiUrl(String url) {
        String u = url.strip();
        URI uri;
        try {
            uri = URI.create(u);
        } catch (IllegalArgumentException e) {
            throw new CliException("--pve-url '" + u + "' is not a URL: " + e.getMessage());
        }
        String path = uri.getPath();
        if (path == null || path.isEmpty() || path.equals("/")) {
            return u.replaceAll("/+$", "") + "/api2/json";
        }
        return u;
    }
}
