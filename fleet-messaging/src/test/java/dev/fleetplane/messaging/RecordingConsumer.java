package dev.fleetplane.messaging;

import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.FleetEvent;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * ConsumerPipelineIT's consumer: handles {@code StartVm} (a subject starting with {@code fail} always fails), counts
 * every attempt and every commit per event id, and logs one line per handled event.
 */
@ApplicationScoped
public class RecordingConsumer {

    static final String CONSUMER = "messaging-it";
    private static final Logger LOG = Logger.getLogger(RecordingConsumer.class);
    private static final EventConsumer READS = EventConsumer.named(CONSUMER).handling(EventCatalog.START_VM);

    private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> committed = new ConcurrentHashMap<>();

    @Inject
    ConsumerPipeline pipeline;

    @Incoming("test-in")
    @Blocking
    public void on(ConsumerRecord<String, byte[]> record) {
        pipeline.prepareThenCommit(READS, record, this::prepare);
    }

    /** How often the handler ran for {@code event} (a method: the test holds a client proxy, not the bean). */
    public int attempts(FleetEvent event) {
        return count(attempts, event);
    }

    /** How often {@code event}'s effect was committed. */
    public int committed(FleetEvent event) {
        return count(committed, event);
    }

    private static int count(Map<String, AtomicInteger> counts, FleetEvent event) {
        AtomicInteger n = counts.get(event.id());
        return n == null ? 0 : n.get();
    }

    private ConsumerPipeline.Effect prepare(FleetEvent event) {
        attempts.computeIfAbsent(event.id(), id -> new AtomicInteger()).incrementAndGet();
        LOG.infof("starting %s", event.subject());
        if (event.subject().startsWith("fail")) {
            throw new IllegalStateException("planned failure of " + event.subject());
        }
        return c -> () -> {
            committed.computeIfAbsent(event.id(), id -> new AtomicInteger()).incrementAndGet();
            LOG.infof("started %s", event.subject());
        };
    }
}
