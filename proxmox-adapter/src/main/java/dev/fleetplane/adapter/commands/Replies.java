package dev.fleetplane.adapter.commands;

import dev.fleetplane.events.EventKind;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.Json;
import dev.fleetplane.messaging.EventSource;
import dev.fleetplane.messaging.Outbox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;

/** Writes the adapter's answers to a command into the outbox: caused by the command, keyed and subjected like it. */
@ApplicationScoped
public class Replies {

    @Inject
    Outbox outbox;

    @Inject
    EventSource source;

    public <T> FleetEvent append(Connection c, Command command, EventKind<T> kind, T payload) throws SQLException {
        FleetEvent reply = FleetEvent.causedBy(command.event(), kind, source.uri(), command.event().subject(), payload);
        outbox.append(c, command.kafkaKey(), reply);
        return reply;
    }

    /** For answers written later (by the task poller), when only the stored ids of the command remain. */
    public static Command storedCommand(String eventId, String type, String subject, String correlationId, String kafkaKey) {
        FleetEvent stub = new FleetEvent(eventId, type, "/fleetplane/stored", subject, OffsetDateTime.now(),
                correlationId, null, Json.MAPPER.createObjectNode());
        return new Command(stub, kafkaKey);
    }
}
