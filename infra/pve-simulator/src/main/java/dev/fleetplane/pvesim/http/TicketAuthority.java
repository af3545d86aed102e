package dev.fleetplane.pvesim.http;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Username/password login as pve-access-control does it: {@code POST /access/ticket} issues a
 * {@code PVE:<user>:<8 hex ts>::<signature>} ticket (2 h lifetime) and a {@code <8 hex ts>:<hmac>} CSRF token; a
 * valid ticket given as password renews it. Signatures are HMAC-SHA256 under a per-simulator key (Proxmox signs with
 * RSA; clients treat both as opaque text). Passwords are compared in constant time and never appear in messages.
 */
public final class TicketAuthority {

    /** pve-access-control's {@code $ticket_lifetime}. */
    public static final Duration LIFETIME = Duration.ofHours(2);
    /** Tickets from up to 5 minutes in the future are accepted (cluster clock skew), as {@code verify_ticket} does. */
    private static final long MIN_AGE_SECONDS = -300;

    private static final Pattern TICKET = Pattern.compile("^PVE:(\\S+@[A-Za-z][A-Za-z0-9.\\-_]+):([0-9A-F]{8})::(\\S+)$");
    private static final Pattern CSRF = Pattern.compile("^([0-9A-F]{8}):(\\S+)$");
    private static final Pattern USER = Pattern.compile("^\\S+@[A-Za-z][A-Za-z0-9.\\-_]+$");

    private final Map<String, byte[]> passwords = new LinkedHashMap<>();
    private final byte[] key = new byte[32];
    private final long lifetimeSeconds;
    private final LongSupplier clockSeconds;

    /** A login that succeeded: the values {@code /access/ticket} returns. */
    public record Issued(String username, String ticket, String csrfToken) {
    }

    public TicketAuthority(Map<String, String> users, Duration lifetime) {
        this(users, lifetime, () -> System.currentTimeMillis() / 1000);
    }

    TicketAuthority(Map<String, String> users, Duration lifetime, LongSupplier clockSeconds) {
        users.forEach((user, password) -> {
            if (!USER.matcher(user).matches()) {
                throw new IllegalArgumentException("user '" + user + "' is not of the form user@realm");
            }
            if (password == null || password.isEmpty()) {
                throw new IllegalArgumentException("user '" + user + "' has an empty password");
            }
            passwords.put(user, password.getBytes(StandardCharsets.UTF_8));
        });
        if (lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("ticket lifetime must be positive, got " + lifetime);
        }
        this.lifetimeSeconds = lifetime.toSeconds();
        this.clockSeconds = clockSeconds;
        new SecureRandom().nextBytes(key);
    }

    public static TicketAuthority none() {
        return new TicketAuthority(Map.of(), LIFETIME);
    }

    /**
     * Checks a login; {@code password} may be the user's password or a valid ticket of the same user (renewal).
     * Any failure is pve-access-control's {@code 401 authentication failure} (with a {@code {"data":null}} body).
     */
    public Issued login(String username, String password, String realm) {
        if (username == null || password == null) {
            throw failure();
        }
        String user = username.contains("@") || realm == null || realm.isEmpty() ? username : username + "@" + realm;
        byte[] expected = passwords.get(user);
        if (expected == null) {
            throw failure();
        }
        boolean ok = password.startsWith("PVE:")
                ? user.equals(verifyOrNull(password))
                : MessageDigest.isEqual(expected, password.getBytes(StandardCharsets.UTF_8));
        if (!ok) {
            throw failure();
        }
        long now = clockSeconds.getAsLong();
        String ts = hex8(now);
        String ticketData = "PVE:" + user + ":" + ts;
        String ticket = ticketData + "::" + Base64.getEncoder().encodeToString(hmac(ticketData));
        return new Issued(user, ticket, csrfToken(user, ts));
    }

    private static ApiException failure() {
        return ApiException.of(401, "authentication failure");
    }

    /** The user a ticket was issued to, or null when it is forged, malformed or expired. */
    public String verifyOrNull(String ticket) {
        Matcher m = TICKET.matcher(ticket == null ? "" : ticket.trim());
        if (!m.matches()) {
            return null;
        }
        String data = "PVE:" + m.group(1) + ":" + m.group(2);
        byte[] offered;
        try {
            offered = Base64.getDecoder().decode(m.group(3));
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (!MessageDigest.isEqual(hmac(data), offered) || !fresh(m.group(2))) {
            return null;
        }
        return passwords.containsKey(m.group(1)) ? m.group(1) : null;
    }

    /** Whether {@code token} is the CSRF prevention token of {@code user}'s session and not expired. */
    public boolean csrfValid(String user, String token) {
        Matcher m = CSRF.matcher(token == null ? "" : token.trim());
        if (!m.matches() || !fresh(m.group(1))) {
            return false;
        }
        return MessageDigest.isEqual(csrfToken(user, m.group(1)).getBytes(StandardCharsets.US_ASCII),
                token.trim().getBytes(StandardCharsets.US_ASCII));
    }

    private boolean fresh(String hexTimestamp) {
        long age = clockSeconds.getAsLong() - Long.parseLong(hexTimestamp, 16);
        return age >= MIN_AGE_SECONDS && age <= lifetimeSeconds;
    }

    private String csrfToken(String user, String ts) {
        // PVE::Ticket::assemble_csrf_prevention_token: hmac_sha256_base64("$timestamp:$username"), unpadded
        return ts + ":" + Base64.getEncoder().withoutPadding().encodeToString(hmac(ts + ":" + user));
    }

    private byte[] hmac(String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private static String hex8(long epochSeconds) {
        return String.format(Locale.ROOT, "%08X", epochSeconds);
    }
}
