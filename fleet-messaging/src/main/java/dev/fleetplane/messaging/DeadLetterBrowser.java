package dev.fleetplane.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Reads dead letters for display without a consumer group: a short-lived consumer assigned to the partitions, seeked
 * to the newest records, polled until it reached the end offsets it saw (or a deadline), then closed. It commits
 * nothing and has no effects, so it is not an {@link EventConsumer} and does not go through {@link ConsumerPipeline}.
 */
@ApplicationScoped
public class DeadLetterBrowser {

    static final Duration DEADLINE = Duration.ofSeconds(5);

    @Inject
    KafkaClientSettings settings;

    @ConfigProperty(name = "quarkus.application.name", defaultValue = "fleetplane")
    String applicationName;

    /**
     * The newest {@code perPartition} records of each partition of {@code topics}, newest first (by record time,
     * then offset). A topic the broker does not have yields nothing.
     */
    public List<ConsumerRecord<String, byte[]>> newest(Collection<String> topics, int perPartition) {
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                List<PartitionInfo> infos = consumer.partitionsFor(topic, DEADLINE);
                if (infos != null) {
                    infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
                }
            }
            if (partitions.isEmpty()) {
                return out;
            }
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, DEADLINE);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, DEADLINE);
            Map<TopicPartition, Long> wanted = new HashMap<>();
            List<TopicPartition> reading = new ArrayList<>();
            for (TopicPartition tp : partitions) {
                long from = Math.max(begin.getOrDefault(tp, 0L), end.getOrDefault(tp, 0L) - perPartition);
                if (from < end.getOrDefault(tp, 0L)) {
                    wanted.put(tp, end.get(tp));
                    reading.add(tp);
                }
            }
            if (reading.isEmpty()) {
                return out;
            }
            consumer.assign(reading);
            for (TopicPartition tp : reading) {
                consumer.seek(tp, Math.max(begin.getOrDefault(tp, 0L), wanted.get(tp) - perPartition));
            }
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (!wanted.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    Long stop = wanted.get(tp);
                    if (stop != null && r.offset() < stop) {
                        out.add(r);
                    }
                }
                wanted.keySet().removeIf(tp -> consumer.position(tp, DEADLINE) >= wanted.get(tp));
            }
        }
        out.sort(Comparator.comparingLong((ConsumerRecord<String, byte[]> r) -> r.timestamp())
                .thenComparingLong(ConsumerRecord::offset).reversed());
        return out;
    }

    /** The one record at {@code offset} of {@code partition}; empty when the partition holds no such offset. */
    public Optional<ConsumerRecord<String, byte[]>> record(TopicPartition partition, long offset) {
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            List<TopicPartition> one = List.of(partition);
            long begin = consumer.beginningOffsets(one, DEADLINE).getOrDefault(partition, 0L);
            long end = consumer.endOffsets(one, DEADLINE).getOrDefault(partition, 0L);
            if (offset < begin || offset >= end) {
                return Optional.empty();
            }
            consumer.assign(one);
            consumer.seek(partition, offset);
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.offset() == offset) {
                        return Optional.of(r);
                    }
                    if (r.offset() > offset) {
                        // a compacted or transactional gap: the offset holds no record
                        return Optional.empty();
                    }
                }
                if (consumer.position(partition, DEADLINE) > offset) {
                    return Optional.empty();
                }
            }
            throw new TopicStats.KafkaUnavailable("the record at " + partition + "@" + offset
                    + " was not read within " + DEADLINE.toSeconds() + " s", null);
        }
    }

    /** The number of partitions of {@code topic}; 0 when the broker does not have it. */
    public int partitions(String topic) {
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, DEADLINE);
            return infos == null ? 0 : infos.size();
        }
    }

    private KafkaConsumer<String, byte[]> consumer() {
        Properties p = settings.base(applicationName + "-dead-letter-browser");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
        p.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        return new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    }
}
