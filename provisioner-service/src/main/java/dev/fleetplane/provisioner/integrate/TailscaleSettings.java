package dev.fleetplane.provisioner.integrate;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Where and how guests are enrolled into a tailnet.
 *
 * @param apiBaseUrl     {@code https://api.tailscale.com}, or a local fake in tests
 * @param tailnet        the tailnet's name, or {@code -} for the OAuth client's own tailnet
 * @param tags           tags every minted key (and so every enrolled guest) carries; keys minted by an OAuth client
 *                       belong to no user, so Tailscale requires at least one tag the client owns
 * @param connectTimeout longest wait for a TCP/TLS connection to the API
 * @param requestTimeout longest wait for one whole answer (headers and body) once a request is sent
 */
public record TailscaleSettings(URI apiBaseUrl, String tailnet, List<String> tags, Duration connectTimeout,
                                Duration requestTimeout) {

    /** tailcfg.CheckTag: "tag:" then a letter, then letters, digits and dashes. */
    private static final Pattern TAG = Pattern.compile("tag:[a-zA-Z][a-zA-Z0-9-]*");
    private static final Pattern TAILNET = Pattern.compile("-|[A-Za-z0-9][A-Za-z0-9._@+-]*");

    public TailscaleSettings {
        if (apiBaseUrl == null || apiBaseUrl.getHost() == null
                || !("https".equals(apiBaseUrl.getScheme()) || "http".equals(apiBaseUrl.getScheme()))) {
            throw new IllegalArgumentException("tailscale api-base-url must be an http(s) URL with a host, got '"
                    + apiBaseUrl + "'");
        }
        if (tailnet == null || !TAILNET.matcher(tailnet).matches()) {
            throw new IllegalArgumentException("tailscale tailnet must be '-' or a tailnet name, got '" + tailnet + "'");
        }
        if (tags == null || tags.isEmpty()) {
            throw new IllegalArgumentException(
                    "tailscale tags are empty: keys minted by an OAuth client must carry at least one tag it owns");
        }
        for (String tag : tags) {
            if (tag == null || !TAG.matcher(tag).matches()) {
                throw new IllegalArgumentException("tailscale tag '" + tag
                        + "' is invalid: a tag is 'tag:' then a letter, then letters, digits or '-'");
            }
        }
        tags = List.copyOf(tags);
        requirePositive("connect-timeout", connectTimeout);
        requirePositive("request-timeout", requestTimeout);
    }

    private static void requirePositive(String name, Duration d) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException("tailscale " + name + " must be positive, got " + d);
        }
    }

    /** The API base without a trailing slash, so paths can be appended. */
    String base() {
        String s = apiBaseUrl.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
