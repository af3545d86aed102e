package dev.fleetplane.console.backend;

/**
 * A console that could not be located or opened, with a message fit for the operator (it never holds a ticket, a
 * password or a key) and a {@link Kind} that decides what the gateway does next.
 */
public final class BackendException extends Exception {

    /** Why, as far as the gateway acts on it. */
    public enum Kind {
        /** No VM of that name in the cluster. */
        NOT_FOUND(false),
        /** The VM cannot give a console now: stopped, no {@code serial0}, wrong serial type, termproxy refused. */
        REFUSED(false),
        /** The gateway's own credentials were refused (console user, token, node SSH key, host key). */
        UNAUTHORIZED(false),
        /** The node or API did not answer, or the connection broke: worth another try later. */
        UNREACHABLE(true),
        /** The other side spoke something that is not the protocol (no {@code OK} greeting, a bad answer). */
        PROTOCOL(true);

        private final boolean retryable;

        Kind(boolean retryable) {
            this.retryable = retryable;
        }

        /** Whether reconnecting later may succeed without anyone changing anything. */
        public boolean retryable() {
            return retryable;
        }
    }

    private final Kind kind;

    public BackendException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public BackendException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
