package dev.fleetplane.adapter.api;

/** An answer of the read API that is not a success: its HTTP status and the message for {@code {"error": …}}. */
public class ApiProblem extends RuntimeException {

    private final int status;

    public ApiProblem(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
