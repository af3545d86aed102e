package dev.fleetplane.localstack.quarkus;

import dev.fleetplane.events.CloudEventsKafkaCodec;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.UndecodableEventException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Test side: records everything published on some topics from their start, the way another service would read it (a
 * consumer group of its own), decoded as fleetplane events. The planner's, the provisioner's and the template
 * builder's ITs read their services' output through it.
 */
public final class TopicRecorder implements AutoCloseable {

    /**
     * One record seen; {@code event} is null when it is not a readable fleetplane event (DLQ copies of junk);
     * {@code value} is the record's value as text (to prove a secret never reached an event).
     */
    public record Seen(String topic, String key, FleetEvent event, String dlqReason, String value) {
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    public TopicRecorder(String bootstrap, List<String> topics) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "topic-recorder-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(topics);
        thread = new Thread(this::loop, "topic-recorder");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    FleetEvent event = null;
                    try {
                        event = CloudEventsKafkaCodec.decode(r.headers(), r.value());
                    } catch (UndecodableEventException | IllegalArgumentException ignored) {
                        // kept with event == null: the DLQ test looks at such records
                    }
                    Header reason = r.headers().lastHeader(dev.fleetplane.events.Topics.DLQ_REASON_HEADER);
                    seen.add(new Seen(r.topic(), r.key(), event,
                            reason == null ? null : new String(reason.value(), StandardCharsets.UTF_8),
                            r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8)));
                }
            }
        } catch (WakeupException ignored) {
            // closing
        } finally {
            consumer.close();
        }
    }

    public List<Seen> all() {
        return List.copyOf(seen);
    }

    /** The readable events seen, in order. */
    public List<FleetEvent> events() {
        return seen.stream().map(Seen::event).filter(java.util.Objects::nonNull).toList();
    }

    /**
     * Everything on {@code topic} from its start up to its end offsets at the time of the call: a complete read, so a
     * record that is absent from it was not on the topic then (no waiting for a quiet period).
     */
    public static List<Seen> readToEnd(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        List<Seen> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = c.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(partitions);
            c.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = c.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                        FleetEvent event = null;
                        try {
                            event = CloudEventsKafkaCodec.decode(r.headers(), r.value());
                        } catch (UndecodableEventException | IllegalArgumentException ignored) {
                            // kept with event == null
                        }
                        out.add(new Seen(r.topic(), r.key(), event, null,
                                r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8)));
                    }
                }
            }
        }
        return out;
    }

    /** Waits for a record matching {@code match}; fails naming what was seen on the topic. */
    public Seen await(String what, Predicate<Seen> match, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            for (Seen s : seen) {
                if (match.test(s)) {
                    return s;
                }
            }
            Thread.sleep(50);
        }
        StringBuilder b = new StringBuilder("timed out waiting for " + what + "; seen:\n");
        for (Seen s : seen) {
            b.append("  ").append(s.topic()).append(" key=").append(s.key()).append(' ')
                    .append(s.event() == null ? "(unreadable) reason=" + s.dlqReason()
                            : s.event().type() + " subject=" + s.event().subject() + " corr=" + s.event().correlationId()
                            + " " + s.event().data())
                    .append('\n');
        }
        throw new AssertionError(b.toString());
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(5000);
    }
}
