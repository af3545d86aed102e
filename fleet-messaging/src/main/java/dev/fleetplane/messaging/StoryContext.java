package dev.fleetplane.messaging;

import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.Topics;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.logging.MDC;

/**
 * The ids that tie one host's story together across services (fleet, host, correlation, causation, event), put in
 * the logging MDC for the work done on their behalf, so {@code grep <correlation-id>} over every service's log
 * tells the story. Every service's log format prints {@link #STORY} ({@code [fleet=… host=… corr=… event=…] });
 * the single keys are there for structured logging.
 *
 * @param eventId the event being handled (or that caused the work in hand)
 */
public record StoryContext(String fleet, String host, String correlationId, String causationId, String eventId,
                           String eventType) {

    public static final String FLEET = "fleet";
    public static final String HOST = "host";
    public static final String CORRELATION_ID = "correlationId";
    public static final String CAUSATION_ID = "causationId";
    public static final String EVENT_ID = "eventId";
    public static final String EVENT_TYPE = "eventType";
    /** The compact form the log format prints: the ids set, or nothing. */
    public static final String STORY = "story";

    private static final String[] KEYS = {FLEET, HOST, CORRELATION_ID, CAUSATION_ID, EVENT_ID, EVENT_TYPE};

    /**
     * The story of an event read from {@code topic} with {@code key}. On the fleet topics the key is the fleet and the
     * subject is a host only when it is not the fleet itself; everywhere else the subject is the host (or node).
     */
    public static StoryContext of(FleetEvent event, String topic, String key) {
        boolean fleetTopic = Topics.FLEET_DESIRED.equals(topic) || Topics.FLEET_PLANS.equals(topic);
        String fleet = fleetTopic ? key : null;
        String host = fleetTopic && event.subject() != null && event.subject().equals(key) ? null : event.subject();
        return new StoryContext(fleet, host, event.correlationId(), event.causationId(), event.id(), event.type());
    }

    /** Work on one host (a scheduler, a worker), in the story of {@code correlationId}; null ids keep the outer ones. */
    public static StoryContext forHost(String fleet, String host, String correlationId) {
        return new StoryContext(fleet, host, correlationId, null, null, null);
    }

    /** Work on a command after its event was handled (a task poller): the command's host, story and id. */
    public static StoryContext forCommand(String host, String correlationId, String commandId) {
        return new StoryContext(null, host, correlationId, null, commandId, null);
    }

    /** The story in this thread's MDC, to carry it to another thread (a worker pool) and {@link #open()} it there. */
    public static StoryContext current() {
        return new StoryContext(str(MDC.get(FLEET)), str(MDC.get(HOST)), str(MDC.get(CORRELATION_ID)),
                str(MDC.get(CAUSATION_ID)), str(MDC.get(EVENT_ID)), str(MDC.get(EVENT_TYPE)));
    }

    /** This story about {@code host}. */
    public StoryContext withHost(String host) {
        return new StoryContext(fleet, host, correlationId, causationId, eventId, eventType);
    }

    /** Puts the ids that are set into the MDC until the scope closes; ids left null keep what was there. */
    public Scope open() {
        Map<String, Object> previous = new LinkedHashMap<>();
        for (String k : KEYS) {
            previous.put(k, MDC.get(k));
        }
        previous.put(STORY, MDC.get(STORY));
        put(FLEET, fleet);
        put(HOST, host);
        put(CORRELATION_ID, correlationId);
        put(CAUSATION_ID, causationId);
        put(EVENT_ID, eventId);
        put(EVENT_TYPE, eventType);
        String story = story(str(MDC.get(FLEET)), str(MDC.get(HOST)), str(MDC.get(CORRELATION_ID)),
                str(MDC.get(EVENT_ID)));
        put(STORY, story.isEmpty() ? null : story);
        return () -> previous.forEach((k, v) -> {
            if (v == null) {
                MDC.remove(k);
            } else {
                MDC.put(k, v);
            }
        });
    }

    /** {@code [fleet=… host=… corr=… event=…] } with the ids that are set, or empty. */
    static String story(String fleet, String host, String correlationId, String eventId) {
        StringBuilder b = new StringBuilder();
        append(b, "fleet", fleet);
        append(b, "host", host);
        append(b, "corr", correlationId);
        append(b, "event", eventId);
        return b.isEmpty() ? "" : "[" + b + "] ";
    }

    private static void append(StringBuilder b, String name, String value) {
        if (value != null && !value.isBlank()) {
            b.append(b.isEmpty() ? "" : " ").append(name).append('=').append(value);
        }
    }

    private static void put(String key, String value) {
        if (value != null) {
            MDC.put(key, value);
        }
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }

    /** Restores the MDC as it was before {@link #open()}. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
