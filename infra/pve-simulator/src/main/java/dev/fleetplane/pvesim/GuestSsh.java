package dev.fleetplane.pvesim;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Makes simulated guests real SSH endpoints: a started VM gets its own OpenSSH server on its guest address and this
 * port, accepting the keys in {@code authorizedKeysFile} for root.
 *
 * @param authorizedKeysFile OpenSSH authorized_keys file, read by each guest's sshd on every login
 * @param port               port every guest's sshd listens on (each guest has its own address)
 * @param sshd               the OpenSSH server binary (absolute, so {@code -D} keeps the process ours)
 * @param sshKeygen          the key generator for the guests' host keys
 */
public record GuestSsh(Path authorizedKeysFile, int port, Path sshd, Path sshKeygen) {

    public static final int DEFAULT_PORT = 2222;

    public GuestSsh {
        Objects.requireNonNull(authorizedKeysFile, "authorizedKeysFile");
        Objects.requireNonNull(sshd, "sshd");
        Objects.requireNonNull(sshKeygen, "sshKeygen");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("guest SSH port must be 1-65535, got " + port);
        }
    }

    public static GuestSsh of(Path authorizedKeysFile) {
        return of(authorizedKeysFile, DEFAULT_PORT);
    }

    public static GuestSsh of(Path authorizedKeysFile, int port) {
        return new GuestSsh(authorizedKeysFile, port, Path.of("/usr/sbin/sshd"), Path.of("/usr/bin/ssh-keygen"));
    }

    public GuestSsh withSshd(Path sshdBinary) {
        return new GuestSsh(authorizedKeysFile, port, sshdBinary, sshKeygen);
    }

    public GuestSsh withSshKeygen(Path sshKeygenBinary) {
        return new GuestSsh(authorizedKeysFile, port, sshd, sshKeygenBinary);
    }
}
