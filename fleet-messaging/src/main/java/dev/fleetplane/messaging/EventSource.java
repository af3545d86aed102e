package dev.fleetplane.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The CloudEvents {@code source} of everything this service publishes: {@code /fleetplane/<application name>}. */
@ApplicationScoped
public class EventSource {

    @ConfigProperty(name = "quarkus.application.name", defaultValue = "fleetplane")
    String applicationName;

    public String uri() {
        return "/fleetplane/" + applicationName;
    }
}
