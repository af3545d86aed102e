package dev.fleetplane.provisioner.it;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/** Starts the test's guest sshd before the provisioner, and hands the provisioner its identity file and port. */
public class GuestSshdResource implements QuarkusTestResourceLifecycleManager {

    static final int PORT = 2222;
    static volatile GuestSshd guest;

    @Override
    public Map<String, String> start() {
        guest = GuestSshd.start(PORT);
        return Map.of("fleetplane.provisioner.ssh.identity-file", guest.identityFile().toString(),
                "fleetplane.provisioner.ssh.port", String.valueOf(PORT));
    }

    @Override
    public void stop() {
        if (guest != null) {
            try {
                guest.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            guest = null;
        }
    }
}
