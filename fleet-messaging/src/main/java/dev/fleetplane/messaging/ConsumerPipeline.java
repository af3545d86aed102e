package dev.fleetplane.messaging;

import dev.fleetplane.events.CloudEventsKafkaCodec;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.UndecodableEventException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;

/**
 * The one way every service consumes a Kafka record: decode the CloudEvent, admit its type, skip what the consumer
 * already handled, handle it with its inbox row in one transaction, retry a failure with capped backoff
 * ({@link ConsumerPipelineConfig}), and dead-letter what cannot be read, is not the consumer's, or keeps failing.
 * Everything runs in the event's {@link StoryContext}. It never throws to the messaging layer: a consumer never stops
 * on one record.
 */
@ApplicationScoped
public class ConsumerPipeline {

    private static final Logger LOG = Logger.getLogger(ConsumerPipeline.class);

    /** The effect of one event, run inside the transaction that records it as handled. */
    @FunctionalInterface
    public interface Handler {
        void handle(FleetEvent event, Connection connection) throws SQLException;
    }

    /** {@link Handler} that also needs the record the event was read from (its topic, partition, offset). */
    @FunctionalInterface
    public interface RecordHandler {
        void handle(FleetEvent event, ConsumerRecord<String, byte[]> record, Connection connection)
                throws SQLException;
    }

    /**
     * Work that must not hold a transaction (Proxmox calls, Nix evaluation): runs first, outside any transaction, and
     * returns the effect to commit with the inbox row. Runs again on a retry.
     */
    @FunctionalInterface
    public interface Preparation {
        Effect prepare(FleetEvent event);
    }

    /** What a {@link Preparation} found, written in the transaction with the inbox row. */
    @FunctionalInterface
    public interface Effect {
        /** Writes the effect; returns what to do once it is committed (wake a worker), or null. */
        Runnable write(Connection connection) throws SQLException;
    }

    @Inject
    Database database;

    @Inject
    Inbox inbox;

    @Inject
    DeadLetters deadLetters;

    @Inject
    ConsumerPipelineConfig config;

    @Inject
    FleetMetrics metrics;

    /** Decodes, dedupes and handles {@code record} once for {@code consumer}, in one transaction. */
    public void consume(EventConsumer consumer, ConsumerRecord<String, byte[]> record, Handler handler) {
        run(consumer, record, false, event -> c -> {
            handler.handle(event, c);
            return null;
        });
    }

    /**
     * {@link #consume} for a poll's worth of records at once (a channel with {@code batch=true}), for a consumer whose
     * effect is a cheap write (the planner's event log): every readable record it handles is written in ONE
     * transaction, so the commit is paid once per batch instead of once per record. Unreadable and refused records are
     * dead-lettered as {@link #consume} does. When the batch's transaction fails, it is rolled back whole and each of
     * its records is handled again on its own, with the usual retries and dead letter, so one bad record costs its
     * batch only time.
     */
    public void consumeBatch(EventConsumer consumer, Iterable<ConsumerRecord<String, byte[]>> records,
                             RecordHandler handler) {
        List<ConsumerRecord<String, byte[]>> admitted = new ArrayList<>();
        List<FleetEvent> events = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            Optional<FleetEvent> decoded = decode(consumer, record);
            if (decoded.isEmpty()) {
                continue;
            }
            FleetEvent event = decoded.get();
            try (StoryContext.Scope story = StoryContext.of(event, record.topic(), record.key()).open()) {
                switch (consumer.admit(event.type())) {
                    case SKIP -> LOG.tracef("%s skips %s", consumer.name(), event.type());
                    case DEAD_LETTER -> {
                        deadLetters.send(DeadLetter.refused(consumer.name(), consumer.refusal(event.type(),
                                event.id()), Instant.now()), record);
                        metrics.eventFailed(consumer.name(), event.type(), "refused");
                    }
                    case HANDLE -> {
                        admitted.add(record);
                        events.add(event);
                    }
                }
            }
        }
        if (events.isEmpty()) {
            return;
        }
        try {
            database.inTransaction(c -> {
                for (int i = 0; i < events.size(); i++) {
                    FleetEvent event = events.get(i);
                    ConsumerRecord<String, byte[]> record = admitted.get(i);
                    try (StoryContext.Scope story = StoryContext.of(event, record.topic(), record.key()).open()) {
                        if (!consumer.inbox() || inbox.firstDelivery(c, consumer.name(), event.id())) {
                            handler.handle(event, record, c);
                        }
                    }
                }
                return null;
            });
            events.forEach(e -> metrics.eventHandled(consumer.name(), e.type()));
        } catch (RuntimeException e) {
            LOG.warnf("%s: a batch of %d failed (%s); its records are handled one by one", consumer.name(),
                    events.size(), e.toString());
            for (int i = 0; i < events.size(); i++) {
                FleetEvent event = events.get(i);
                ConsumerRecord<String, byte[]> record = admitted.get(i);
                try (StoryContext.Scope story = StoryContext.of(event, record.topic(), record.key()).open()) {
                    handle(consumer, record, event, false, ev -> c -> {
                        handler.handle(ev, record, c);
                        return null;
                    }).ifPresent(this::afterCommit);
                }
            }
        }
    }

    /**
     * Decodes and dedupes {@code record}, then runs {@code preparation} outside any transaction and commits its effect
     * with the inbox row; the effect's after-commit work runs once it is committed. A redelivery is skipped before the
     * preparation, so its I/O is not done twice.
     */
    public void prepareThenCommit(EventConsumer consumer, ConsumerRecord<String, byte[]> record,
                                  Preparation preparation) {
        run(consumer, record, true, preparation);
    }

    private void run(EventConsumer consumer, ConsumerRecord<String, byte[]> record, boolean skipEarly,
                     Preparation preparation) {
        Optional<FleetEvent> decoded = decode(consumer, record);
        if (decoded.isEmpty()) {
            return;
        }
        FleetEvent event = decoded.get();
        try (StoryContext.Scope story = StoryContext.of(event, record.topic(), record.key()).open()) {
            switch (consumer.admit(event.type())) {
                case SKIP -> LOG.tracef("%s skips %s", consumer.name(), event.type());
                case DEAD_LETTER -> {
                    deadLetters.send(DeadLetter.refused(consumer.name(), consumer.refusal(event.type(), event.id()),
                            Instant.now()), record);
                    metrics.eventFailed(consumer.name(), event.type(), "refused");
                }
                case HANDLE -> handle(consumer, record, event, skipEarly, preparation).ifPresent(this::afterCommit);
            }
        }
    }

    private Optional<FleetEvent> decode(EventConsumer consumer, ConsumerRecord<String, byte[]> record) {
        try {
            return Optional.of(CloudEventsKafkaCodec.decode(record.headers(), record.value()));
        } catch (UndecodableEventException e) {
            deadLetters.send(DeadLetter.refused(consumer.name(), e.getMessage(), Instant.now()), record);
            metrics.eventFailed(consumer.name(), null, "unreadable");
            return Optional.empty();
        } catch (RuntimeException e) {
            deadLetters.send(new DeadLetter(consumer.name(), "not readable: " + e, 0, e.getClass().getName(),
                    Instant.now()), record);
            metrics.eventFailed(consumer.name(), null, "unreadable");
            return Optional.empty();
        }
    }

    /** Retries until the effect is committed (returns its after-commit work) or the record is dead-lettered. */
    private Optional<Runnable> handle(EventConsumer consumer, ConsumerRecord<String, byte[]> record, FleetEvent event,
                                      boolean skipEarly, Preparation preparation) {
        Backoff backoff = config.backoff();
        for (int attempt = 1; ; attempt++) {
            try {
                if (skipEarly && consumer.inbox()
                        && database.read(c -> inbox.alreadyHandled(c, consumer.name(), event.id()))) {
                    LOG.debugf("%s already handled %s %s; redelivery skipped", consumer.name(), event.type(),
                            event.id());
                    return Optional.empty();
                }
                Effect effect = preparation.prepare(event);
                Runnable afterCommit = database.inTransaction(c -> {
                    if (consumer.inbox() && !inbox.firstDelivery(c, consumer.name(), event.id())) {
                        LOG.infof("%s handled %s %s concurrently; its effect is already recorded", consumer.name(),
                                event.type(), event.id());
                        return null;
                    }
                    return effect.write(c);
                });
                metrics.eventHandled(consumer.name(), event.type());
                return Optional.ofNullable(afterCommit);
            } catch (RuntimeException e) {
                Optional<Duration> pause = backoff.after(attempt);
                if (pause.isEmpty()) {
                    deadLetters.send(DeadLetter.failed(consumer.name(), attempt, e, Instant.now()), record);
                    metrics.eventFailed(consumer.name(), event.type(), "failed");
                    return Optional.empty();
                }
                LOG.warnf("%s: handling %s %s failed, attempt %d of %d; again in %d ms: %s", consumer.name(),
                        event.type(), event.id(), attempt, backoff.attempts(), pause.get().toMillis(), e.toString());
                if (!sleep(pause.get())) {
                    deadLetters.send(DeadLetter.failed(consumer.name(), attempt, e, Instant.now()), record);
                    metrics.eventFailed(consumer.name(), event.type(), "failed");
                    return Optional.empty();
                }
            }
        }
    }

    /** The effect is committed whatever happens here, so a failure is logged, never retried. */
    private void afterCommit(Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            LOG.errorf(e, "after-commit work failed; the effect itself is committed");
        }
    }

    /** False when interrupted (the service is stopping): the record is dead-lettered rather than lost. */
    private static boolean sleep(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
