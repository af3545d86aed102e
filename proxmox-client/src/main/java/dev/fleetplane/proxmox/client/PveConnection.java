package dev.fleetplane.proxmox.client;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where and as whom to call Proxmox: the API base URL ({@code https://host:8006/api2/json}), the API token
 * and transport settings. {@link #toString()} never shows the secret.
 *
 * @param tokenId  {@code user@realm!tokenname}
 * @param insecure accept any TLS certificate and host name (self-signed homelab nodes); logged loudly by callers
 */
public record PveConnection(URI baseUrl, String tokenId, String tokenSecret, boolean insecure,
                            Duration connectTimeout, Duration readTimeout) {

    private static final Pattern TOKEN_ID = Pattern.compile("[^@!=\\s]+@[^@!=\\s]+![A-Za-z][A-Za-z0-9._-]*");

    public PveConnection {
        Objects.requireNonNull(baseUrl, "Proxmox base URL is missing");
        String scheme = baseUrl.getScheme();
        if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || baseUrl.getHost() == null) {
            throw new IllegalArgumentException("Proxmox URL '" + baseUrl
                    + "' must be http(s)://host:port/api2/json");
        }
        if (baseUrl.getUserInfo() != null) {
            throw new IllegalArgumentException("Proxmox URL must not carry credentials; use the API token settings");
        }
        if (tokenId == null || !TOKEN_ID.matcher(tokenId).matches()) {
            throw new IllegalArgumentException("Proxmox API token id '" + tokenId
                    + "' must read user@realm!tokenname (e.g. fleetplane@pve!adapter)");
        }
        if (tokenSecret == null || tokenSecret.isBlank()) {
            throw new IllegalArgumentException("Proxmox API token secret for '" + tokenId + "' is empty");
        }
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(10) : connectTimeout;
        // pveproxy gives proxied calls 30 s; wait a little longer so its own 59x answer reaches us.
        readTimeout = readTimeout == null ? Duration.ofSeconds(35) : readTimeout;
        String s = baseUrl.toString();
        if (s.endsWith("/")) {
            baseUrl = URI.create(s.substring(0, s.length() - 1));
        }
    }

    public static PveConnection of(String baseUrl, String tokenId, String tokenSecret) {
        return new PveConnection(URI.create(baseUrl.trim()), tokenId, tokenSecret, false, null, null);
    }

    public PveConnection insecure(boolean value) {
        return new PveConnection(baseUrl, tokenId, tokenSecret, value, connectTimeout, readTimeout);
    }

    public PveConnection timeouts(Duration connect, Duration read) {
        return new PveConnection(baseUrl, tokenId, tokenSecret, insecure, connect, read);
    }

    /** The {@code Authorization} header value: {@code PVEAPIToken=user@realm!id=secret}. */
    String authorization() {
        return "PVEAPIToken=" + tokenId + "=" + tokenSecret;
    }

    /** Removes the secret from any text that might echo it (defence in depth for messages and logs). */
    String redact(String text) {
        if (text == null || tokenSecret.isEmpty()) {
            return text;
        }
        return text.replace(tokenSecret, "<secret>");
    }

    @Override
    public String toString() {
        return "PveConnection[" + baseUrl + ", token " + tokenId + (insecure ? ", insecure TLS" : "") + "]";
    }
}
