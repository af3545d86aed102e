package dev.fleetplane.planner.api;

import java.util.List;

/** An error answer with its HTTP status; {@link ApiExceptionMapper} writes it as {@link ApiError}. */
public class ApiException extends RuntimeException {

    private final int status;
    private final List<String> details;

    public ApiException(int status, String error, List<String> details) {
        super(error);
        this.status = status;
        this.details = List.copyOf(details);
    }

    public ApiException(int status, String error) {
        this(status, error, List.of());
    }

    public int status() {
        return status;
    }

    public List<String> details() {
        return details;
    }
}
