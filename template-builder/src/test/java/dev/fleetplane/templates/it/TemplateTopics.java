package dev.fleetplane.templates.it;

import static org.awaitility.Awaitility.await;

import dev.fleetplane.events.CloudEventsKafkaCodec;
import dev.fleetplane.events.EventKind;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Everything on templates.events and pve.commands, decoded, as a plain Kafka consumer outside the services sees it. */
final class TemplateTopics implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(120);

    private final Thread collector;
    private volatile boolean collecting = true;
    private final List<FleetEvent> events = new CopyOnWriteArrayList<>();
    private final List<String> raw = new CopyOnWriteArrayList<>();

    TemplateTopics(String bootstrap) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "templates-it-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c, new StringDeserializer(),
                new ByteArrayDeserializer());
        consumer.subscribe(List.of(Topics.TEMPLATES_EVENTS, Topics.PVE_COMMANDS, Topics.PVE_EVENTS));
        collector = new Thread(() -> {
            try (consumer) {
                while (collecting) {
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                        events.add(CloudEventsKafkaCodec.decode(r.headers(), r.value()));
                        raw.add(new String(r.value(), StandardCharsets.UTF_8));
                    }
                }
            }
        }, "templates-it-collector");
        collector.setDaemon(true);
        collector.start();
    }

    /** The build's events (correlation id = build id), in order. */
    List<FleetEvent> story(String buildId) {
        return events.stream().filter(e -> buildId.equals(e.correlationId())).toList();
    }

    <T> List<T> all(String buildId, EventKind<T> kind) {
        return story(buildId).stream().filter(e -> e.is(kind)).map(e -> e.dataAs(kind)).toList();
    }

    <T> T one(String buildId, EventKind<T> kind) {
        List<T> found = all(buildId, kind);
        if (found.size() != 1) {
            throw new AssertionError("expected one " + kind.type() + " of build " + buildId + ", got " + found.size()
                    + ": " + story(buildId).stream().map(FleetEvent::type).toList());
        }
        return found.get(0);
    }

    /** Waits for the build's first event of one of {@code kinds}. */
    FleetEvent awaitFirst(String buildId, EventKind<?>... kinds) {
        return await().atMost(WAIT).until(() -> story(buildId).stream()
                .filter(e -> Arrays.stream(kinds).anyMatch(e::is)).findFirst().orElse(null), e -> e != null);
    }

    List<String> raw() {
        return raw;
    }

    @Override
    public void close() throws InterruptedException {
        collecting = false;
        collector.join(5000);
    }
}
