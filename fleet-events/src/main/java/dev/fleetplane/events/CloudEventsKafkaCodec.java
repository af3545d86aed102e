package dev.fleetplane.events;

import com.fasterxml.jackson.databind.JsonNode;
import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.format.EventDeserializationException;
import io.cloudevents.jackson.JsonFormat;
import io.cloudevents.kafka.KafkaMessageFactory;
import io.cloudevents.rw.CloudEventRWException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
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
    private static final String CONTENT_TYPE_HEADER = "content-type";
    private static final JsonFormat STRUCTURED = new JsonFormat();

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
        CloudEvent ce = structured(headers) ? readStructured(value) : readBinary(headers, value);
        EventKind<?> kind = EventCatalog.byType(ce.getType()).orElseThrow(
                () -> new UndecodableEventException("unknown event type '" + ce.getType() + "'"));
        JsonNode data = readJson(ce);
        EventCatalog.readData(kind, data);
        OffsetDateTime time = ce.getTime() != null ? ce.getTime() : OffsetDateTime.now(ZoneOffset.UTC);
        return new FleetEvent(ce.getId(), ce.getType(), ce.getSource().toString(), ce.getSubject(), time,
                stringExtension(ce, EXT_CORRELATION), stringExtension(ce, EXT_CAUSATION), data);
    }

    /**
     * Structured mode ({@code content-type: application/cloudevents+json}) is read with the SDK's JSON format named
     * here, not looked up in the SDK's registry: that registry is filled once per JVM by a ServiceLoader on whatever
     * thread decodes first, and a thread whose context class loader cannot see the app's jars left it empty for good
     * (every structured record then went to the DLQ as "Unknown encoding").
     */
    private static boolean structured(Headers headers) {
        String contentType = contentType(headers);
        return contentType != null && contentType.strip().toLowerCase(Locale.ROOT).startsWith(JsonFormat.CONTENT_TYPE);
    }

    private static CloudEvent readStructured(byte[] value) {
        if (value == null) {
            throw new UndecodableEventException("structured-mode record (content-type " + JsonFormat.CONTENT_TYPE
                    + ") has no value");
        }
        try {
            return STRUCTURED.deserialize(value);
        } catch (EventDeserializationException | CloudEventRWException | IllegalStateException
                 | IllegalArgumentException e) {
            throw new UndecodableEventException("not a CloudEvent: structured-mode value (content-type "
                    + JsonFormat.CONTENT_TYPE + ") is not a CloudEvents JSON object: " + firstLine(e.getMessage()), e);
        }
    }

    private static CloudEvent readBinary(Headers headers, byte[] value) {
        String contentType = contentType(headers);
        if (contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("application/cloudevents")) {
            throw new UndecodableEventException("not a CloudEvent this reader takes: content-type '"
                    + printable(contentType) + "' (binary mode: ce_* headers; structured mode: "
                    + JsonFormat.CONTENT_TYPE + "; batches are not part of the Kafka binding)");
        }
        try {
            return KafkaMessageFactory.createReader(headers, value).toEvent();
        } catch (CloudEventRWException | IllegalStateException | IllegalArgumentException e) {
            throw new UndecodableEventException("not a CloudEvent: " + e.getMessage(), e);
        }
    }

    /** The {@code content-type} header; its name is matched without regard to case, as in HTTP. */
    private static String contentType(Headers headers) {
        String found = null;
        for (Header h : headers) {
            if (h.key().equalsIgnoreCase(CONTENT_TYPE_HEADER) && h.value() != null) {
                found = new String(h.value(), StandardCharsets.UTF_8);
            }
        }
        return found;
    }

    private static String printable(String s) {
        String cut = s.length() > 80 ? s.substring(0, 80) + "…" : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
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
