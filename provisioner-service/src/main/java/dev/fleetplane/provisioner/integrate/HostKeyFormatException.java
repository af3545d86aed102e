package dev.fleetplane.provisioner.integrate;

/** A host's public key line that cannot be turned into an age recipient; the message says what is wrong with it. */
public class HostKeyFormatException extends IllegalArgumentException {

    public HostKeyFormatException(String message) {
        super(message);
    }
}
