package dev.fleetplane.provisioner.ssh;

/** The guest could not be logged in to (step {@code ssh}): no route, refused key, changed host key, bad identity. */
public class SshLoginException extends Exception {

    /** Why: the caller tries the next user only after a refused login, and never past a changed host key. */
    public enum Kind { UNREACHABLE, LOGIN_REFUSED, HOST_KEY_CHANGED, IDENTITY, OTHER }

    private final Kind kind;

    public SshLoginException(String message) {
        this(Kind.OTHER, message);
    }

    public SshLoginException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
