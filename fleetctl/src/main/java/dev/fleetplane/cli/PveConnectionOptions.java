package dev.fleetplane.cli;

import dev.fleetplane.proxmox.client.PveConnection;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * The options that say which Proxmox to talk to and how ({@code --pve-url}, the token, TLS trust), shared by every
 * command that reads Proxmox directly as a picocli {@code @Mixin}.
 */
final class PveConnectionOptions {

    @Option(names = "--pve-url", required = true, paramLabel = "URL",
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
        PveToken t = token(env);
        try {
            return PveConnection.of(apiUrl(pveUrl), t.id(), t.secret()).insecure(insecure).fingerprint(fingerprint)
                    .caFile(caFile);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
    }

    static String readTokenFile(Path file) {
        try {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
            if (mode.stream().anyMatch(p -> p.name().startsWith("GROUP_") || p.name().startsWith("OTHERS_"))) {
                throw new CliException("--token-file " + file + " may be read by others (mode " + octal(mode)
                        + "): it holds a secret, so fleetplane refuses it; run chmod 600 " + file);
            }
            String first = Files.readAllLines(file).stream().filter(l -> !l.isBlank()).findFirst().orElse(null);
            if (first == null) {
                throw new CliException("--token-file " + file + " is empty: put user@realm!tokenid=secret on its first"
                        + " line");
            }
            return first;
        } catch (NoSuchFileException e) {
            throw new CliException("--token-file " + file + " does not exist");
        } catch (UnsupportedOperationException e) {
            throw new CliException("--token-file " + file + ": cannot check who may read it on this file system; pass"
                    + " the token in the PVE_TOKEN environment variable instead");
        } catch (IOException e) {
            throw new CliException("cannot read --token-file " + file + ": " + e.getMessage());
        }
    }

    private static String octal(Set<PosixFilePermission> mode) {
        int bits = 0;
        for (PosixFilePermission p : mode) {
            bits |= 1 << (8 - p.ordinal());
        }
        return String.format("%04o", bits);
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
