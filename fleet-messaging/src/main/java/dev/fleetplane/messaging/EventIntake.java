package dev.fleetplane.messaging;

import dev.fleetplane.events.CloudEventsKafkaCodec;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.UndecodableEventException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The way every service consumes a Kafka record: decode the CloudEvent (unreadable records go to the
 * DLQ), skip events this consumer already handled, and run the handler in one transaction with the
 * inbox row. A handler failure is retried with backoff, then dead-lettered; the consumer never stops.
 */
@ApplicationScoped
public class EventIntake {

    private static final Logger LOG = Logger.getLogger(EventIntake.class);

    /** The effect of one event, run inside the transaction that records it as handled. */
    @FunctionalInterface
    public interface Handler {
        void handle(FleetEvent event, Connection connection) throws SQLException;
    }

    @Inject
    Database database;

    @Inject
    Inbox inbox;

    @Inject
    DeadLetters deadLetters;

    /** How often a failing handler is tried before its record is dead-lettered. */
    @ConfigProperty(name = "fleetplane.intake.attempts", defaultValue = "5")
    int attempts;

    /** Decodes a record, or dead-letters it and returns empty. */
    public Optional<FleetEvent> decode(String consumer, ConsumerRecord<String, byte[]> record) {
        try {
            return Optional.of(CloudEventsKafkaCodec.decode(record.headers(), record.value()));
        } catch (UndecodableEventException e) {
            deadLetters.send(consumer, record, e.getMessage());
            return Optional.empty();
        }
    }

    /** Decodes, dedupes and handles {@code record} exactly once for {@code consumer}. */
    public void consume(String consumer, ConsumerRecord<String, byte[]> record, Handler handler) {
        Optional<FleetEvent> decoded = decode(consumer, record);
        if (decoded.isEmpty()) {
            return;
        }
        FleetEvent event = decoded.get();
        long backoff = 200;
        for (int attempt = 1; ; attempt++) {
            try {
                database.inTransaction(c -> {
                    if (inbox.firstDelivery(c, consumer, event.id())) {
                        handler.handle(event, c);
                    }
                    return null;
                });
                return;
            } catch (RuntimeException e) {
                if (attempt >= attempts) {
                    deadLetters.send(consumer, record, "handler failed after " + attempt + " attempts: " + e);
                    return;
                }
                LOG.warnf("%s: handling %s %s (subject %s) failed, attempt %d of %d: %s",
                        consumer, event.type(), event.id(), event.subject(), attempt, attempts, e.toString());
                sleep(backoff);
                backoff = Math.min(backoff * 2, 5000);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
