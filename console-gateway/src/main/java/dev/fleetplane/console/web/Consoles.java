package dev.fleetplane.console.web;

import dev.fleetplane.console.ConsoleConfig;
import dev.fleetplane.console.audit.ConsoleAudit;
import dev.fleetplane.console.backend.ConsoleBackend;
import dev.fleetplane.console.session.ConsoleSession;
import dev.fleetplane.console.session.ReconnectPolicy;
import dev.fleetplane.console.session.SessionHub;
import dev.fleetplane.messaging.FleetMetrics;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
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

    @Inject
    FleetMetrics metrics;

    private SessionHub hub;

    @PostConstruct
    void start() {
        ConsoleSession.Settings settings = new ConsoleSession.Settings(config.scrollbackBytes(), config.idleTimeout(),
                config.linger(), ReconnectPolicy.DEFAULT, Duration.ofSeconds(45));
        hub = new SessionHub(backend, settings, audit, Clock.systemUTC());
    }

    /** The open consoles and their viewers as gauges, from the start (a scrape before any console shows zeros). */
    void measure(@Observes StartupEvent ignored) {
        metrics.consoles(() -> hub.sessions().size(),
                () -> hub.sessions().stream().mapToInt(ConsoleSession::viewerCount).sum());
    }

    @PreDestroy
    void stop() {
        hub.close();
    }

    public SessionHub hub() {
        return hub;
    }
}
