package dev.fleetplane.proxmox.client;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where and as whom to call Proxmox: the API base URL ({@code https://host:8006/api2/json}), the credentials (an API
 * token, or a user and password for the ticket login) and how the node's certificate is trusted. {@link #toString()}
 * never shows a secret.
 *
 * <p>Trust, at most one of: {@code caFile} (PEM certificates the node's chain must end in, host name checked),
 * {@code fingerprint} (the SHA-256 of exactly the node's leaf certificate, as the Proxmox GUI shows it; host name not
 * checked, the pin is stronger), {@code insecure} (anything goes; callers warn loudly). None: the JVM's trust store.
 *
 * @param tokenId          {@code user@realm!tokenname}; null with a username
 * @param username         {@code user@realm} for {@code POST /access/ticket}; null with a token
 * @param ticketRenewAfter a ticket lives 2 h; it is renewed once older than this (default 1 h, like proxmoxer)
 */
public record PveConnection(URI baseUrl, String tokenId, String tokenSecret, boolean insecure,
                            Duration connectTimeout, Duration readTimeout, String username, String password,
                            Path caFile, String fingerprint, Duration ticketRenewAfter) {

    private static final Pattern TOKEN_ID = Pattern.compile("[^@!=\\s]+@[^@!=\\s]+![A-Za-z][A-Za-z0-9._-]*");
    private static final Pattern USER = Pattern.compile("[^@!=\\s]+@[^@!=\\s]+");
    private static final Pattern FINGERPRINT = Pattern.compile("([0-9A-F]{2}:){31}[0-9A-F]{2}");
    private static final Duration TICKET_LIFETIME = Duration.ofHours(2);

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
        boolean token = tokenId != null || tokenSecret != null;
        boolean user = username != null || password != null;
        if (token && user) {
            throw new IllegalArgumentException("Proxmox credentials: give an API token or a user and password, not both");
        }
        if (user) {
            if (username == null || !USER.matcher(username).matches()) {
                throw new IllegalArgumentException("Proxmox user '" + username + "' must read user@realm (e.g. root@pam)");
            }
            if (password == null || password.isBlank()) {
                throw new IllegalArgumentException("Proxmox password for '" + username + "' is empty");
            }
        } else {
            if (tokenId == null || !TOKEN_ID.matcher(tokenId).matches()) {
                throw new IllegalArgumentException("Proxmox API token id '" + tokenId
                        + "' must read user@realm!tokenname (e.g. fleetplane@pve!adapter)");
            }
            if (tokenSecret == null || tokenSecret.isBlank()) {
                throw new IllegalArgumentException("Proxmox API token secret for '" + tokenId + "' is empty");
            }
        }
        fingerprint = fingerprint == null || fingerprint.isBlank() ? null : normalizeFingerprint(fingerprint);
        int trustModes = (caFile != null ? 1 : 0) + (fingerprint != null ? 1 : 0) + (insecure ? 1 : 0);
        if (trustModes > 1) {
            throw new IllegalArgumentException("Proxmox TLS: set only one of a CA file, a pinned fingerprint and"
                    + " insecure (got" + (caFile != null ? " ca-file" : "") + (fingerprint != null ? " fingerprint" : "")
                    + (insecure ? " insecure" : "") + ")");
        }
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(10) : connectTimeout;
        // pveproxy gives proxied calls 30 s; wait a little longer so its own 59x answer reaches us.
        readTimeout = readTimeout == null ? Duration.ofSeconds(35) : readTimeout;
        ticketRenewAfter = ticketRenewAfter == null ? Duration.ofHours(1) : ticketRenewAfter;
        if (ticketRenewAfter.isNegative() || ticketRenewAfter.compareTo(TICKET_LIFETIME.minusMinutes(5)) > 0) {
            throw new IllegalArgumentException("Proxmox ticket renewal after " + ticketRenewAfter
                    + " must be between 0 and 1h55m: a ticket expires after 2 h");
        }
        String s = baseUrl.toString();
        if (s.endsWith("/")) {
            baseUrl = URI.create(s.substring(0, s.length() - 1));
        }
    }

    /** The original token-only form (kept for callers that build it positionally). */
    public PveConnection(URI baseUrl, String tokenId, String tokenSecret, boolean insecure, Duration connectTimeout,
                         Duration readTimeout) {
        this(baseUrl, tokenId, tokenSecret, insecure, connectTimeout, readTimeout, null, null, null, null, null);
    }

    /** API token auth ({@code Authorization: PVEAPIToken=…}), the default for services. */
    public static PveConnection of(String baseUrl, String tokenId, String tokenSecret) {
        return new PveConnection(URI.create(baseUrl.trim()), tokenId, tokenSecret, false, null, null);
    }

    /** Ticket auth: {@code POST /access/ticket} with user and password, then cookie + CSRF token (the console needs it). */
    public static PveConnection withPassword(String baseUrl, String username, String password) {
        return new PveConnection(URI.create(baseUrl.trim()), null, null, false, null, null, username, password,
                null, null, null);
    }

    public PveConnection insecure(boolean value) {
        return new PveConnection(baseUrl, tokenId, tokenSecret, value, connectTimeout, readTimeout, username, password,
                caFile, fingerprint, ticketRenewAfter);
    }

    /** Trust the node when its chain ends in a certificate of this PEM file (e.g. the cluster's pve-root-ca.pem). */
    public PveConnection caFile(Path file) {
        return new PveConnection(baseUrl, tokenId, tokenSecret, insecure, connectTimeout, readTimeout, username, password,
                file, fingerprint, ticketRenewAfter);
    }

    /** Trust exactly the leaf certificate with this SHA-256 fingerprint ({@code AB:12:…} or 64 hex digits). */
    public PveConnection fingerprint(String sha256) {
        return new PveConnection(baseUrl, tokenId, tokenSecret, insecure, connectTimeout, readTimeout, username, password,
                caFile, sha256, ticketRenewAfter);
    }

    public PveConnection timeouts(Duration connect, Duration read) {
        return new PveConnection(baseUrl, tokenId, tokenSecret, insecure, connect, read, username, password,
                caFile, fingerprint, ticketRenewAfter);
    }

    public PveConnection ticketRenewAfter(Duration age) {
        return new PveConnection(baseUrl, tokenId, tokenSecret, insecure, connectTimeout, readTimeout, username, password,
                caFile, fingerprint, age);
    }

    /** Whether this connection logs in with user and password (ticket + CSRF) instead of an API token. */
    public boolean ticketLogin() {
        return username != null;
    }

    /** Who calls: the token id, or the user of a ticket login. */
    public String principal() {
        return ticketLogin() ? username : tokenId;
    }

    /** The {@code Authorization} header value: {@code PVEAPIToken=user@realm!id=secret} (token auth only). */
    String authorization() {
        if (ticketLogin()) {
            throw new IllegalStateException("a ticket login sends a cookie, not an Authorization header");
        }
        return "PVEAPIToken=" + tokenId + "=" + tokenSecret;
    }

    /** Removes the secrets from any text that might echo them (defence in depth for messages and logs). */
    String redact(String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        if (tokenSecret != null && !tokenSecret.isEmpty()) {
            out = out.replace(tokenSecret, "<secret>");
        }
        if (password != null && !password.isEmpty()) {
            out = out.replace(password, "<secret>");
        }
        return out;
    }

    /** {@code AB:12:…} upper-case with colons, from either that form or 64 bare hex digits. */
    static String normalizeFingerprint(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT);
        if (t.matches("[0-9A-F]{64}")) {
            t = t.replaceAll("(..)(?!$)", "$1:");
        }
        if (!FINGERPRINT.matcher(t).matches()) {
            throw new IllegalArgumentException("Proxmox certificate fingerprint '" + text.trim()
                    + "' is not a SHA-256 fingerprint (32 hex pairs separated by colons, as the Proxmox GUI shows it)");
        }
        return t;
    }

    @Override
    public String toString() {
        String trust = insecure ? ", insecure TLS" : caFile != null ? ", CA " + caFile
                : fingerprint != null ? ", pinned " + fingerprint : "";
        return "PveConnection[" + baseUrl + (ticketLogin() ? ", user " + username : ", token " + tokenId) + trust + "]";
    }
}
