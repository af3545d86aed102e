package dev.fleetplane.localstack;

/** A part of the local stack could not start or stop; the message names the part and what to do. */
public class LocalStackException extends RuntimeException {

    public LocalStackException(String message) {
        super(message);
    }

    public LocalStackException(String message, Throwable cause) {
        super(message, cause);
    }
}
