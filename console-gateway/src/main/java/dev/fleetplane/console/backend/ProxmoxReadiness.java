package dev.fleetplane.console.backend;

import dev.fleetplane.proxmox.client.ProxmoxClient;
import dev.fleetplane.proxmox.client.PveException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness: with the pve-api backend the gateway opens every console through the Proxmox API, so it is not ready
 * while {@code GET /version} fails (DOWN names the URL and the failure, never a password or ticket). The node-ssh
 * backend and a backend without credentials have no API to ask: UP, saying so (a gateway without a console user is
 * started on purpose by {@code ./fleetplane up} and refuses consoles in words).
 */
@Readiness
@ApplicationScoped
public class ProxmoxReadiness implements HealthCheck {

    static final String NAME = "Proxmox VE API";

    @Inject
    Backends backends;

    @Override
    public HealthCheckResponse call() {
        Optional<ProxmoxClient> client = backends.pveClient();
        if (client.isEmpty()) {
            return HealthCheckResponse.named(NAME).up()
                    .withData("checked", "no: the console backend does not use the Proxmox API").build();
        }
        String url = client.get().connection().baseUrl().toString();
        try {
            return HealthCheckResponse.named(NAME).up().withData("url", url)
                    .withData("version", client.get().version().version()).build();
        } catch (PveException e) {
            return HealthCheckResponse.named(NAME).down().withData("url", url).withData("reason", e.getMessage())
                    .build();
        }
    }
}
