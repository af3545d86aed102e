package dev.fleetplane.messaging;

import dev.fleetplane.events.EventCatalog;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * ConsumerBatchIT's consumer: a batch channel handling {@code StartVm} through {@link ConsumerPipeline#consumeBatch}
 * with an inbox; a subject starting with {@code fail} always fails, and every handler run is counted per subject.
 */
@ApplicationScoped
public class BatchRecordingConsumer {

    static final String CONSUMER = "messaging-batch-it";
    private static final EventConsumer READS = EventConsumer.named(CONSUMER).handling(EventCatalog.START_VM);

    private final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();

    @Inject
    ConsumerPipeline pipeline;

    @Incoming("batch-in")
    @Blocking
    public void on(ConsumerRecords<String, byte[]> records) {
        pipeline.consumeBatch(READS, records, (event, record, c) -> {
            runs.computeIfAbsent(event.subject(), s -> new AtomicInteger()).incrementAndGet();
            if (event.subject().startsWith("fail")) {
                throw new IllegalStateException("planned failure of " + event.subject());
            }
        });
    }

    /** How often the handler ran for {@code subject} (in batches and alone). */
    public int runs(String subject) {
        AtomicInteger n = runs.get(subject);
        return n == null ? 0 : n.get();
    }
}
