package dev.fleetplane.provisioner.steps;

import dev.fleetplane.provisioner.ssh.GuestSession;
import dev.fleetplane.provisioner.ssh.SshLoginException;
import java.time.Duration;
import java.util.List;

/**
 * What {@code /run/current-system} resolves to on a guest: the generation it runs, which tells the steps whether a
 * switch happened. Also the order of the users a step logs in as.
 */
final class CurrentSystem {

    static final Duration SHORT = Duration.ofSeconds(30);

    private CurrentSystem() {
    }

    static String read(GuestSession g) throws SshLoginException {
        GuestSession.Captured out = g.capture("readlink -f /run/current-system", SHORT);
        String path = out.output().strip();
        if (!out.ok() || path.isEmpty() || path.contains("\n")) {
            throw new SshLoginException("cannot read /run/current-system on " + g.where() + " (status " + out.status()
                    + "): " + StepText.firstLine(out.output()) + " — is this a NixOS guest?");
        }
        return path;
    }

    /** {@code first}, then {@code second} when it is another user. */
    static List<String> users(String first, String second) {
        return first.equals(second) ? List.of(first) : List.of(first, second);
    }
}
