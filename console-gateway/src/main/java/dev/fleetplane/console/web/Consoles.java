package dev.fleetplane.console.web;

import dev.fleetplane.console.ConsoleConfig;
import dev.fleetplane.console.audit.ConsoleAudit;
import dev.fleetplane.console.backend.ConsoleBackend;
import dev.fleetplane.console.session.ConsoleSession;
import dev.fleetplane.console.session.ReconnectPolicy;
import dev.fleetplane.console.session.SessionHub;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;

/** The gateway's {@link SessionHub}: the configured backend, the settings, the audit; closed at shutdown. */
@ApplicationScoped
public class Consoles {

    @Inject
    ConsoleConfig config;

    @Inject
    ConsoleBackend backend;

    @Inject
    ConsoleAudit audit;

    private SessionHub hub;

    @PostConstruct
    void start() {
        ConsoleSession.Settings settings = new ConsoleSession.Settings(config.scrollbackBytes(), config.idleTimeout(),
                config.linger(), ReconnectPolicy.DEFAULT, Duration.ofSeconds(45));
        hub = new SessionHub(backend, settings, audit, Clock.systemUTC());
    }

    @PreDestroy
    void stop() {
        hub.close();
    }

    public SessionHub hub() {
        return hub;
    }
}
