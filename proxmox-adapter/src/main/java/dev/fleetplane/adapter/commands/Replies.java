package dev.fleetplane.adapter.commands;

import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.EventKind;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.Json;
import dev.fleetplane.messaging.EventSource;
import dev.fleetplane.messaging.Outbox;
import dev.fleetplane.proxmox.client.PveException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import org.jboss.logging.Logger;

/** Writes the adapter's answers to a command into the outbox: caused by the command, keyed and subjected like it. */
@ApplicationScoped
public class Replies {

    private static final Logger LOG = Logger.getLogger(Replies.class);

    @Inject
    Outbox outbox;

    @Inject
    EventSource source;

    public <T> FleetEvent append(Connection c, Command command, EventKind<T> kind, T payload) throws SQLException {
        FleetEvent reply = FleetEvent.causedBy(command.event(), kind, source.uri(), command.event().subject(), payload);
        outbox.append(c, command.kafkaKey(), reply);
        return reply;
    }

    /** The answer {@code payload}, to be written with the command's outcome. */
    public <T> Outcome answer(Command command, EventKind<T> kind, T payload) {
        return c -> append(c, command, kind, payload);
    }

    /** Proxmox failed the command's {@code operation}: logged with the command's context, answered {@code PveOperationFailed}. */
    public Outcome failed(Command command, String operation, String node, int vmid, PveException e) {
        LOG.warnf("%s of VM %d failed: %s", operation, vmid, e.getMessage());
        return c -> append(c, command, EventCatalog.PVE_OPERATION_FAILED, OperationFailures.of(operation, node, vmid, e));
    }

    /**
     * A command refused before any call to Proxmox (bad fields, a VM that is not ours, ...): logged with the
     * command's context and answered with {@code PveOperationFailed}, which is not retryable.
     */
    public Outcome refusal(Command command, String operation, String node, int vmid, String failure, String message) {
        LOG.warnf("%s", message);
        return c -> append(c, command, EventCatalog.PVE_OPERATION_FAILED,
                OperationFailures.refused(operation, node, vmid, failure, message));
    }

    /** For answers written later (by the task poller), when only the stored ids of the command remain. */
    public static Command storedCommand(String eventId, String type, String subject, String correlationId, String kafkaKey) {
        FleetEvent stub = new FleetEvent(eventId, type, "/fleetplane/stored", subject, OffsetDateTime.now(),
                correlationId, null, Json.MAPPER.createObjectNode());
        return new Command(stub, kafkaKey);
    }
}
