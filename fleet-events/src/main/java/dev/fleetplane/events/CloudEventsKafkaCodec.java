package dev.fleetplane.events;

import com.fasterxml.jackson.databind.JsonNode;
import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.kafka.KafkaMessageFactory;
import io.cloudevents.rw.CloudEventRWException;
import java.io.IOException;
import java.net.URI;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;

/**
 * Turns {@link FleetEvent}s into Kafka records and back, per the CloudEvents Kafka protocol binding:
 * producers write binary mode ({@code ce_*} headers, the JSON data as the value); readers accept
 * binary and structured mode. Anything that is not a readable fleetplane event raises
 * {@link UndecodableEventException} with the reason, for the dead-letter topic.
 */
public final class CloudEventsKafkaCodec {

    public static final String EXT_CORRELATION = "correlationid";
    public static final String EXT_CAUSATION = "causationid";
    private static final String JSON = "application/json";

    private CloudEventsKafkaCodec() {
    }

    /** A binary-mode record keyed by {@code key} (the host name, usually). */
    public static ProducerRecord<String, byte[]> toRecord(String topic, String key, FleetEvent event) {
        CloudEventBuilder b = CloudEventBuilder.v1()
                .withId(event.id())
                .withType(event.type())
                .withSource(URI.create(event.source()))
                .withTime(event.time())
                .withDataContentType(JSON)
                .withData(JSON, bytes(event.data()));
        if (event.subject() != null) {
            b.withSubject(event.subject());
        }
        if (event.correlationId() != null) {
            b.withExtension(EXT_CORRELATION, event.correlationId());
        }
        if (event.causationId() != null) {
            b.withExtension(EXT_CAUSATION, event.causationId());
        }
        return KafkaMessageFactory.createWriter(topic, null, null, key).writeBinary(b.build());
    }

    /** Reads a record in binary or structured mode; checks the type is known and the data fits its record. */
    public static FleetEvent decode(Headers headers, byte[] value) {
        CloudEvent ce;
        try {
            ce = KafkaMessageFactory.createReader(headers, value).toEvent();
        } catch (CloudEventRWException | IllegalStateException | IllegalArgumentException e) {
            throw new UndecodableEventException("not a CloudEvent: " + e.getMessage(), e);
        }
        EventKind<?> kind = EventCatalog.byType(ce.getType()).orElseThrow(
                () -> new UndecodableEventException("unknown event type '" + ce.getType() + "'"));
        JsonNode data = readJson(ce);
        EventCatalog.readData(kind, data);
        OffsetDateTime time = ce.getTime() != null ? ce.getTime() : OffsetDateTime.now(ZoneOffset.UTC);
        return new FleetEvent(ce.getId(), ce.getType(), ce.getSource().toString(), ce.getSubject(), time,
                stringExtension(ce, EXT_CORRELATION), stringExtension(ce, EXT_CAUSATION), data);
    }

    private static JsonNode readJson(CloudEvent ce) {
        CloudEventData data = ce.getData();
        if (data == null) {
            throw new UndecodableEventException(ce.getType() + " " + ce.getId() + " has no data");
        }
        String contentType = ce.getDataContentType();
        if (contentType != null && !contentType.startsWith(JSON) && !contentType.endsWith("+json")) {
            throw new UndecodableEventException(ce.getType() + " " + ce.getId()
                    + " has datacontenttype '" + contentType + "', expected " + JSON);
        }
        try {
            return Json.MAPPER.readTree(data.toBytes());
        } catch (IOException e) {
            throw new UndecodableEventException(ce.getType() + " " + ce.getId() + " data is not JSON: "
                    + firstLine(e.getMessage()), e);
        }
    }

    private static byte[] bytes(JsonNode data) {
        try {
            return Json.MAPPER.writeValueAsBytes(data);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("event data cannot be written as JSON", e);
        }
    }

    private static String stringExtension(CloudEvent ce, String name) {
        Object v = ce.getExtension(name);
        return v == null ? null : v.toString();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
