package dev.fleetplane.provisioner.ssh;

/** The guest could not be logged in to (step {@code ssh}): no route, refused key, changed host key, bad identity. */
public class SshLoginException extends Exception {

    public SshLoginException(String message) {
        super(message);
    }
}
