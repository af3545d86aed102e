package dev.fleetplane.provisioner.integrate;

import java.util.OptionalInt;

/**
 * A Tailscale enrolment that failed, naming the host, the step and the cause. The message never holds a secret: the
 * API's own message is scrubbed of the client secret and the access token before it is put in.
 */
public class TailscaleEnrolmentException extends RuntimeException {

    /** What went wrong, for callers that react differently (retry an unreachable API, not a rejected secret). */
    public enum Cause {
        /** No connection: refused, reset, DNS failure. */
        UNREACHABLE,
        /** Connecting or answering took longer than the configured limit. */
        TIMED_OUT,
        /** The API answered with an HTTP error status. */
        REJECTED,
        /** The API answered 2xx without what the step needs ({@code access_token}, {@code key}) or not in JSON. */
        INCOMPLETE_ANSWER,
        /** The calling thread was interrupted while waiting. */
        INTERRUPTED
    }

    private final String host;
    private final EnrolmentStep step;
    private final Cause cause;
    private final int httpStatus;

    TailscaleEnrolmentException(String host, EnrolmentStep step, Cause cause, int httpStatus, String detail,
                                Throwable underlying) {
        super("tailscale enrolment of host " + host + " failed at step " + step.id() + ": " + detail, underlying);
        this.host = host;
        this.step = step;
        this.cause = cause;
        this.httpStatus = httpStatus;
    }

    public String host() {
        return host;
    }

    public EnrolmentStep step() {
        return step;
    }

    public Cause failure() {
        return cause;
    }

    /** The HTTP status of a {@link Cause#REJECTED} or {@link Cause#INCOMPLETE_ANSWER} answer. */
    public OptionalInt httpStatus() {
        return httpStatus > 0 ? OptionalInt.of(httpStatus) : OptionalInt.empty();
    }
}
