package dev.fleetplane.pvesim.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Authenticates a request as pveproxy and pve-access-control do: {@code Authorization: PVEAPIToken=user@realm!id=secret},
 * or a {@code PVEAuthCookie} ticket (which wins when both are sent) plus {@code CSRFPreventionToken} on non-GET calls.
 * Secrets are compared in constant time and never appear in any message.
 */
public final class TokenAuthenticator {

    /** Current master (2026-01) answers every bad credential with one phrase; older releases said why. */
    public static final String AUTHENTICATION_FAILED = "Authentication failed!";

    private static final Pattern TOKEN_HEADER = Pattern.compile("(?:^|\\s)PVEAPIToken(?:=| )([^;]*)");
    private static final Pattern COOKIE_HEADER = Pattern.compile("(?:^|\\s|;)PVEAuthCookie=([^;]*)");
    private static final Pattern TOKEN_ID = Pattern.compile("^(\\S+@[A-Za-z][A-Za-z0-9.\\-_]+)!([A-Za-z][A-Za-z0-9.\\-_]+)$");

    private final Map<String, byte[]> secrets = new LinkedHashMap<>();
    private final boolean detailedReasons;
    private final TicketAuthority tickets;

    public TokenAuthenticator(Map<String, String> tokens, boolean detailedReasons) {
        this(tokens, detailedReasons, TicketAuthority.none());
    }

    /** What a caller may do once authenticated is {@code pvesim.access}'s business, not this class's. */
    public TokenAuthenticator(Map<String, String> tokens, boolean detailedReasons, TicketAuthority tickets) {
        this.tickets = tickets;
        tokens.forEach((id, secret) -> {
            if (!TOKEN_ID.matcher(id).matches()) {
                throw new IllegalArgumentException("API token id '" + id + "' is not of the form user@realm!tokenid");
            }
            if (secret == null || secret.isEmpty()) {
                throw new IllegalArgumentException("API token '" + id + "' has an empty secret");
            }
            secrets.put(id, secret.getBytes(StandardCharsets.UTF_8));
        });
        this.detailedReasons = detailedReasons;
    }

    /** Returns the token id ({@code user@realm!tokenid}) the request is authenticated as, or throws a 401. */
    public String authenticate(RawRequest request) {
        String authorization = request.header("authorization");
        String cookie = request.header("cookie");
        // A ticket wins over a token when both are sent (pve-http-server AnyEvent.pm).
        String ticket = ticket(cookie);
        if (ticket == null) {
            ticket = ticket(authorization);
        }
        if (ticket != null) {
            String user = tickets.verifyOrNull(ticket);
            if (user == null) {
                throw fail("permission denied - invalid PVE ticket");
            }
            // PVE::HTTPServer auth_handler: every non-GET call with a ticket needs the session's CSRF token.
            if (!request.method().equals("GET") && !request.method().equals("HEAD")
                    && !tickets.csrfValid(user, request.header("csrfpreventiontoken"))) {
                throw ApiException.unauthorized("Permission denied - invalid csrf token");
            }
            return user;
        }
        Matcher m = authorization == null ? null : TOKEN_HEADER.matcher(authorization);
        if (m == null || !m.find()) {
            throw ApiException.unauthorized("No ticket");
        }
        String value = RequestParams.percentDecode(m.group(1).trim(), false);
        int eq = value.lastIndexOf('=');
        if (eq < 0) {
            throw fail("no tokenid specified");
        }
        String tokenId = value.substring(0, eq);
        byte[] offered = value.substring(eq + 1).getBytes(StandardCharsets.UTF_8);
        Matcher id = TOKEN_ID.matcher(tokenId);
        if (!id.matches()) {
            throw fail("'" + tokenId + "' is not a valid token ID");
        }
        byte[] expected = secrets.get(tokenId);
        if (expected == null) {
            boolean userKnown = secrets.keySet().stream().anyMatch(k -> k.startsWith(id.group(1) + "!"));
            throw fail(userKnown
                    ? "no such token '" + id.group(2) + "' for user '" + id.group(1) + "'"
                    : "user '" + id.group(1) + "' does not exist");
        }
        if (!MessageDigest.isEqual(expected, offered)) {
            throw fail("invalid token value!");
        }
        return tokenId;
    }

    public TicketAuthority tickets() {
        return tickets;
    }

    private static String ticket(String header) {
        if (header == null) {
            return null;
        }
        Matcher m = COOKIE_HEADER.matcher(header);
        return m.find() ? RequestParams.percentDecode(m.group(1).trim(), false) : null;
    }

    private ApiException fail(String detailedReason) {
        return ApiException.unauthorized(detailedReasons ? detailedReason : AUTHENTICATION_FAILED);
    }
}
