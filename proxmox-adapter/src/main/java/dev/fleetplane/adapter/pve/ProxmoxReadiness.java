package dev.fleetplane.adapter.pve;

import dev.fleetplane.proxmox.client.ProxmoxClient;
import dev.fleetplane.proxmox.client.PveException;
import dev.fleetplane.proxmox.client.PveVersion;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness: the adapter is the only writer to Proxmox, so it is not ready while {@code GET /version} fails. DOWN names
 * the URL and the failure (the client's messages never carry the token secret). Liveness does not look at Proxmox: a
 * restart would not bring it back.
 */
@Readiness
@ApplicationScoped
public class ProxmoxReadiness implements HealthCheck {

    static final String NAME = "Proxmox VE API";

    @Inject
    ProxmoxClient client;

    @Override
    public HealthCheckResponse call() {
        String url = client.connection().baseUrl().toString();
        try {
            PveVersion v = client.version();
            return HealthCheckResponse.named(NAME).up().withData("url", url).withData("version", v.version()).build();
        } catch (PveException e) {
            return HealthCheckResponse.named(NAME).down().withData("url", url).withData("reason", e.getMessage())
                    .build();
        }
    }
}
