package dev.fleetplane.planner.eventlog;

import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.messaging.Database;
import dev.fleetplane.messaging.DeadLetters;
import dev.fleetplane.messaging.EventIntake;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * The audit trail: reads every topic (channel {@code event-log}, its own consumer group) and stores each
 * event once. The event id is the key, so redeliveries and republished outbox rows change nothing.
 */
@ApplicationScoped
public class EventLogConsumer {

    public static final String CONSUMER = "planner-eventlog";

    private static final Logger LOG = Logger.getLogger(EventLogConsumer.class);

    @Inject
    EventIntake intake;

    @Inject
    Database database;

    @Inject
    EventLogStore store;

    @Inject
    DeadLetters deadLetters;

    @Incoming("event-log")
    @Blocking
    public void on(ConsumerRecord<String, byte[]> record) {
        Optional<FleetEvent> decoded = intake.decode(CONSUMER, record);
        if (decoded.isEmpty()) {
            return;
        }
        FleetEvent e = decoded.get();
        LoggedEvent logged = new LoggedEvent(0, e.id(), e.type(), e.source(), e.subject(), e.time(), e.correlationId(),
                e.causationId(), record.topic(), record.partition(), record.offset(), e.data());
        long backoff = 200;
        for (int attempt = 1; ; attempt++) {
            try {
                database.inTransaction(c -> store.insert(c, logged));
                return;
            } catch (RuntimeException ex) {
                if (attempt >= 5) {
                    deadLetters.send(CONSUMER, record, "event log could not store it after " + attempt
                            + " attempts: " + ex);
                    return;
                }
                LOG.warnf("event log: storing %s failed (attempt %d): %s", e.id(), attempt, ex.toString());
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
                backoff *= 2;
            }
        }
    }
}
