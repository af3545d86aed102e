package dev.fleetplane.cli;

import dev.fleetplane.plancore.spec.ProxmoxSettings;
import dev.fleetplane.proxmox.client.PveConnection;
import dev.fleetplane.proxmox.client.PveException;
import dev.fleetplane.proxmox.client.PveReadOnlyClient;
import dev.fleetplane.proxmox.client.PveVersion;
import java.io.PrintStream;
import java.util.Optional;

/** {@code up}'s pre-flight against a real Proxmox, before anything starts: a problem stops {@code up} with exit 1. */
final class PveAccessCheck {

    private PveAccessCheck() {
    }

    static void require(PveConnection connection, Optional<ProxmoxSettings> settings, PrintStream out) {
        try {
            PveVersion v = PveReadOnlyClient.connect(connection).version();
            out.println("pre-flight: Proxmox VE " + v.version() + " at " + connection.baseUrl());
        } catch (PveException e) {
            throw new CliException("pre-flight: " + e.getMessage());
        }
    }
}
