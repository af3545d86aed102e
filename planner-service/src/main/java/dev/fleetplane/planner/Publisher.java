package dev.fleetplane.planner;

import dev.fleetplane.events.EventKind;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.messaging.EventSource;
import dev.fleetplane.messaging.Outbox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;

/** Builds the planner's events with the right source, correlation and causation, and queues them in the outbox. */
@ApplicationScoped
public class Publisher {

    @Inject
    Outbox outbox;

    @Inject
    EventSource source;

    /**
     * Queues an event on its kind's topic.
     *
     * @param correlationId the story it belongs to; null = the cause's, or a new story
     * @param cause         the event that led to this one; null for a request from a person
     */
    public <T> FleetEvent publish(Connection c, String key, EventKind<T> kind, String subject, T payload,
                                  String correlationId, FleetEvent cause) throws SQLException {
        FleetEvent e = FleetEvent.create(kind, source.uri(), subject, payload,
                correlationId != null ? correlationId : cause != null ? cause.correlationId() : null);
        if (cause != null) {
            e = new FleetEvent(e.id(), e.type(), e.source(), e.subject(), e.time(), e.correlationId(), cause.id(),
                    e.data());
        }
        outbox.append(c, key, e);
        return e;
    }
}
