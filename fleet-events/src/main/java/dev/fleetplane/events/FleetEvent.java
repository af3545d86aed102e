package dev.fleetplane.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.UUID;

/**
 * A fleetplane event as it travels: the CloudEvents attributes fleetplane uses, and the JSON data.
 *
 * @param id            unique; the idempotency key of every consumer
 * @param subject       the host name (or node, or template name) the event is about
 * @param correlationId the plan, spec version or run that the story belongs to
 * @param causationId   the id of the event that caused this one; null for a story's first event
 * @param data          JSON object, always with {@code schemaVersion}
 */
public record FleetEvent(String id, String type, String source, String subject, OffsetDateTime time,
                         String correlationId, String causationId, JsonNode data) {

    public FleetEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(data, "data");
    }

    /** The first event of a story: its own id becomes the correlation id unless one is given. */
    public static <T> FleetEvent create(EventKind<T> kind, String source, String subject, T payload, String correlationId) {
        String id = UUID.randomUUID().toString();
        return new FleetEvent(id, kind.type(), source, subject, now(),
                correlationId != null ? correlationId : id, null, toData(kind, payload));
    }

    /** An event caused by {@code cause}: same correlation id, causation id = the cause's id. */
    public static <T> FleetEvent causedBy(FleetEvent cause, EventKind<T> kind, String source, String subject, T payload) {
        return new FleetEvent(UUID.randomUUID().toString(), kind.type(), source, subject, now(),
                cause.correlationId() != null ? cause.correlationId() : cause.id(), cause.id(), toData(kind, payload));
    }

    public boolean is(EventKind<?> kind) {
        return kind.type().equals(type);
    }

    /** The data as the record of {@code kind}; the event must be of that kind. */
    public <T> T dataAs(EventKind<T> kind) {
        if (!is(kind)) {
            throw new IllegalArgumentException("event " + id + " is " + type + ", not " + kind.type());
        }
        return EventCatalog.readData(kind, data);
    }

    private static <T> JsonNode toData(EventKind<T> kind, T payload) {
        ObjectNode node = Json.MAPPER.valueToTree(payload);
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("schemaVersion", kind.schemaVersion());
        out.setAll(node);
        return out;
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS);
    }
}
