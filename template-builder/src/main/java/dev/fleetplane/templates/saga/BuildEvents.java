package dev.fleetplane.templates.saga;

import dev.fleetplane.events.EventKind;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.Topics;
import dev.fleetplane.messaging.EventSource;
import dev.fleetplane.messaging.Outbox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Publishes a build's messages through the outbox in the caller's transaction. Everything carries the build id as
 * correlation id (so the adapter's answers find the build) and the event that caused it, if any, as causation id.
 * Commands to the adapter are keyed and subjected {@code template:<name>} ({@link Build#subject()}), facts on
 * templates.events by the template's name.
 */
@ApplicationScoped
public class BuildEvents {

    @Inject
    Outbox outbox;

    @Inject
    EventSource source;

    public void send(Connection c, Build b, List<Out<?>> out, String causationId) throws SQLException {
        for (Out<?> o : out) {
            send(c, b, o, causationId);
        }
    }

    public <T> FleetEvent send(Connection c, Build b, Out<T> out, String causationId) throws SQLException {
        return publish(c, b, out.kind(), out.payload(), causationId);
    }

    public <T> FleetEvent publish(Connection c, Build b, EventKind<T> kind, T payload, String causationId)
            throws SQLException {
        boolean command = Topics.PVE_COMMANDS.equals(kind.topic());
        String subject = command ? b.subject() : b.template();
        FleetEvent e = FleetEvent.create(kind, source.uri(), subject, payload, b.buildId());
        if (causationId != null) {
            e = new FleetEvent(e.id(), e.type(), e.source(), e.subject(), e.time(), e.correlationId(), causationId,
                    e.data());
        }
        outbox.append(c, subject, e);
        return e;
    }
}
