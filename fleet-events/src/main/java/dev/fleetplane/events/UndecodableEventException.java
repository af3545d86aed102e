package dev.fleetplane.events;

/** A Kafka record that is not a fleetplane event we can read; the message says what is wrong and goes to the DLQ. */
public class UndecodableEventException extends RuntimeException {

    public UndecodableEventException(String message) {
        super(message);
    }

    public UndecodableEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
