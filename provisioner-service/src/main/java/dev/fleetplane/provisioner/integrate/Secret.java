package dev.fleetplane.provisioner.integrate;

/**
 * A secret value (OAuth client secret, API access token, Tailscale auth key) that prints as {@code <redacted>}, so it
 * cannot reach a log line, an event or an error message by string concatenation; only {@link #reveal()} gives it out.
 */
public final class Secret {

    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    public static Secret of(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("a secret must not be empty");
        }
        return new Secret(value);
    }

    /** The value itself: only for the one place that must send it (a request body, a header, SSH stdin). */
    public String reveal() {
        return value;
    }

    /** {@code text} with every occurrence of this secret replaced; for text that came from elsewhere (an API answer). */
    public String scrub(String text) {
        return text == null ? null : text.replace(value, "<redacted>");
    }

    @Override
    public String toString() {
        return "<redacted>";
    }
}
