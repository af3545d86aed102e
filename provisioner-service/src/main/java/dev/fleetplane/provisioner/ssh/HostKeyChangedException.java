package dev.fleetplane.provisioner.ssh;

/** A guest offered a host key other than the one pinned on first contact: the connection is refused. */
public class HostKeyChangedException extends Exception {

    public HostKeyChangedException(String host, String address, HostKey pinned, HostKey offered) {
        super("host key of " + host + " (" + address + ") changed: pinned " + pinned + ", offered " + offered
                + "; refusing to connect (if the guest was reinstalled on purpose, delete its row from"
                + " provisioner.known_host)");
    }
}
