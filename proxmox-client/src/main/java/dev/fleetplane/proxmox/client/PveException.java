package dev.fleetplane.proxmox.client;

import java.util.List;
import java.util.Map;

/**
 * A Proxmox call or task that failed, typed by {@link Failure} so callers decide on retry or report
 * without parsing text. The message names the operation, the URL and (for 401) the token id; it never
 * carries the token secret.
 */
public class PveException extends RuntimeException {

    /** What went wrong, as callers need to tell it apart. */
    public enum Failure {
        UNAUTHORIZED("unauthorized", false),
        FORBIDDEN("forbidden", false),
        NOT_FOUND("not-found", false),
        LOCKED("locked", true),
        ALREADY_EXISTS("already-exists", false),
        INVALID_PARAMETER("invalid-parameter", false),
        AGENT_NOT_CONFIGURED("agent-not-configured", false),
        AGENT_NOT_RUNNING("agent-not-running", true),
        VM_NOT_RUNNING("vm-not-running", false),
        TASK_FAILED("task-failed", false),
        TRANSIENT("transient", true),
        TIMEOUT("timeout", true),
        BAD_RESPONSE("bad-response", false),
        /** The node's TLS certificate is not the pinned one / not signed by the configured CA. */
        UNTRUSTED_CERTIFICATE("untrusted-certificate", false);

        private final String code;
        private final boolean retryable;

        Failure(String code, boolean retryable) {
            this.code = code;
            this.retryable = retryable;
        }

        /** The kebab-case name used in events ({@code PveOperationFailed.failure}). */
        public String code() {
            return code;
        }

        public boolean retryable() {
            return retryable;
        }
    }

    private final Failure failure;
    private final String operation;
    private final String url;
    private final int httpStatus;
    private final String pveMessage;
    private final Map<String, String> parameterErrors;
    private final String upid;
    private final String exitStatus;
    private final List<String> logTail;

    PveException(Failure failure, String operation, String url, int httpStatus, String pveMessage,
                 Map<String, String> parameterErrors, String message, Throwable cause) {
        this(failure, operation, url, httpStatus, pveMessage, parameterErrors, null, null, List.of(), message, cause);
    }

    PveException(Failure failure, String operation, String url, int httpStatus, String pveMessage,
                 Map<String, String> parameterErrors, String upid, String exitStatus, List<String> logTail,
                 String message, Throwable cause) {
        super(message, cause);
        this.failure = failure;
        this.operation = operation;
        this.url = url;
        this.httpStatus = httpStatus;
        this.pveMessage = pveMessage;
        this.parameterErrors = parameterErrors == null ? Map.of() : Map.copyOf(parameterErrors);
        this.upid = upid;
        this.exitStatus = exitStatus;
        this.logTail = logTail == null ? List.of() : List.copyOf(logTail);
    }

    /** A failure the caller decided on (e.g. a VM lock that never cleared), not one read from an HTTP answer. */
    public static PveException of(Failure failure, String operation, String message) {
        return new PveException(failure, operation, "", 0, message, Map.of(), message, null);
    }

    public Failure failure() {
        return failure;
    }

    /** The operation the caller attempted ({@code clone}, {@code config-get}, {@code task-status}, ...). */
    public String operation() {
        return operation;
    }

    /** The full URL of the call (base URL + path); never holds credentials. */
    public String url() {
        return url;
    }

    /** 0 when no HTTP answer was received (connection refused, timeout) or for task failures. */
    public int httpStatus() {
        return httpStatus;
    }

    /** Proxmox's own error text (reason phrase or {@code message}), without trailing newline; may be empty. */
    public String pveMessage() {
        return pveMessage;
    }

    /** The per-parameter {@code errors} map of a 400 answer. */
    public Map<String, String> parameterErrors() {
        return parameterErrors;
    }

    /** The task's UPID for task failures and timeouts, else null. */
    public String upid() {
        return upid;
    }

    /** The task's {@code exitstatus} for task failures, else null. */
    public String exitStatus() {
        return exitStatus;
    }

    /** The last lines of the task log for task failures. */
    public List<String> logTail() {
        return logTail;
    }

    public boolean retryable() {
        return failure.retryable();
    }
}
