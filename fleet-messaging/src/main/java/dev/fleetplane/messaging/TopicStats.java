package dev.fleetplane.messaging;

import dev.fleetplane.events.Topics;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * What the broker holds of fleetplane's topics, asked of it by an admin client: every topic of {@link Topics#ALL}
 * and its {@code .dlq} with each partition's earliest and end offsets, and every consumer group of the cluster whose
 * committed offsets touch those topics with its lag per partition ({@link ConsumerLag#lag}). A read for the
 * dashboard, not a metric: {@link ConsumerLag} publishes the service's own groups' lag as gauges.
 */
@ApplicationScoped
public class TopicStats {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @Inject
    KafkaClientSettings settings;

    @ConfigProperty(name = "quarkus.application.name", defaultValue = "fleetplane")
    String applicationName;

    private Admin admin;

    /** One partition of a topic: the first offset still held and the next one to be written. */
    public record PartitionOffsets(int partition, long earliest, long end) {
        /** How many records the partition holds now (retention may have dropped older ones). */
        public long messages() {
            return Math.max(0, end - earliest);
        }
    }

    /** A topic and its partitions, in partition order. */
    public record TopicFigures(String name, boolean dlq, List<PartitionOffsets> partitions) {
        public long messages() {
            return partitions.stream().mapToLong(PartitionOffsets::messages).sum();
        }

        public long end() {
            return partitions.stream().mapToLong(PartitionOffsets::end).sum();
        }
    }

    /** Where a group stands on one partition. */
    public record GroupPartition(String topic, int partition, long committed, long end, long lag) {
    }

    /** A consumer group on fleetplane's topics: its partitions (by topic, partition) and their summed lag. */
    public record GroupFigures(String group, List<GroupPartition> partitions, long lag) {
    }

    /** One look at the broker. A declared topic the broker does not have (yet) is left out. */
    public record Snapshot(Instant sampledAt, List<TopicFigures> topics, List<GroupFigures> groups) {
    }

    /** The names looked at: every declared topic and its dead-letter topic. */
    public static List<String> topicNames() {
        return Topics.allWithDeadLetters().stream().map(Topics.TopicSpec::name).toList();
    }

    /** The dead-letter topics of the declared topics. */
    public static List<String> deadLetterTopics() {
        return Topics.ALL.stream().map(t -> Topics.dlq(t.name())).toList();
    }

    /**
     * Asks the broker. Throws when it does not answer within a few seconds ({@link KafkaUnavailable}, naming why).
     */
    public Snapshot read() {
        try {
            return read(admin());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnavailable("interrupted", e);
        } catch (ExecutionException e) {
            throw new KafkaUnavailable(String.valueOf(e.getCause()), e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaUnavailable("no answer within " + TIMEOUT.toSeconds() + " s", e);
        }
    }

    private Snapshot read(Admin a) throws InterruptedException, ExecutionException, TimeoutException {
        Instant now = Instant.now();
        List<String> names = topicNames();
        Map<String, KafkaFuture<TopicDescription>> described = a.describeTopics(names).topicNameValues();
        Map<String, Integer> partitions = new TreeMap<>();
        for (String name : names) {
            try {
                TopicDescription d = described.get(name).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                partitions.put(name, d.partitions().stream().mapToInt(TopicPartitionInfo::partition).max()
                        .orElse(-1) + 1);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
        }
        List<TopicPartition> all = new ArrayList<>();
        partitions.forEach((name, n) -> {
            for (int p = 0; p < n; p++) {
                all.add(new TopicPartition(name, p));
            }
        });
        Map<TopicPartition, Long> earliest = offsets(a, all, OffsetSpec.earliest());
        Map<TopicPartition, Long> end = offsets(a, all, OffsetSpec.latest());

        List<TopicFigures> topics = new ArrayList<>();
        for (String name : names) {
            Integer n = partitions.get(name);
            if (n == null) {
                continue;
            }
            List<PartitionOffsets> parts = new ArrayList<>();
            for (int p = 0; p < n; p++) {
                TopicPartition tp = new TopicPartition(name, p);
                parts.add(new PartitionOffsets(p, earliest.getOrDefault(tp, 0L), end.getOrDefault(tp, 0L)));
            }
            topics.add(new TopicFigures(name, name.endsWith(Topics.DLQ_SUFFIX), List.copyOf(parts)));
        }
        return new Snapshot(now, List.copyOf(topics), groups(a, partitions.keySet(), end));
    }

    private static Map<TopicPartition, Long> offsets(Admin a, Collection<TopicPartition> partitions, OffsetSpec spec)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
        partitions.forEach(tp -> ask.put(tp, spec));
        Map<TopicPartition, Long> out = new HashMap<>();
        if (ask.isEmpty()) {
            return out;
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> answer = a.listOffsets(ask).all()
                .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        answer.forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }

    private static List<GroupFigures> groups(Admin a, Set<String> topics, Map<TopicPartition, Long> end)
            throws InterruptedException, ExecutionException, TimeoutException {
        Collection<GroupListing> listed = a.listGroups().all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        Set<String> ids = new TreeSet<>();
        listed.forEach(g -> ids.add(g.groupId()));
        // every group's question first, then the answers: one round trip's wait, not one per group
        Map<String, KafkaFuture<Map<TopicPartition, OffsetAndMetadata>>> asked = new TreeMap<>();
        for (String group : ids) {
            asked.put(group, a.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata());
        }
        List<GroupFigures> out = new ArrayList<>();
        for (String group : ids) {
            Map<TopicPartition, OffsetAndMetadata> offsets;
            try {
                offsets = asked.get(group).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                // a share or streams group, or one deleted between the two calls: it has no consumer offsets to show
                continue;
            }
            Map<TopicPartition, Long> committed = new HashMap<>();
            offsets.forEach((tp, om) -> {
                if (om != null && topics.contains(tp.topic())) {
                    committed.put(tp, om.offset());
                }
            });
            if (committed.isEmpty()) {
                continue;
            }
            Map<TopicPartition, Long> lag = ConsumerLag.lag(committed, end);
            List<GroupPartition> parts = new ArrayList<>();
            committed.forEach((tp, offset) -> {
                if (lag.containsKey(tp)) {
                    parts.add(new GroupPartition(tp.topic(), tp.partition(), offset, end.get(tp), lag.get(tp)));
                }
            });
            parts.sort(Comparator.comparing(GroupPartition::topic).thenComparingInt(GroupPartition::partition));
            out.add(new GroupFigures(group, List.copyOf(parts),
                    parts.stream().mapToLong(GroupPartition::lag).sum()));
        }
        return List.copyOf(out);
    }

    private synchronized Admin admin() {
        if (admin == null) {
            admin = KafkaAdmins.create(settings, applicationName + "-topic-stats");
        }
        return admin;
    }

    @PreDestroy
    synchronized void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
            admin = null;
        }
    }

    /** The broker did not answer or refused: the caller says Kafka is unavailable (a 503, a skipped sample). */
    public static class KafkaUnavailable extends RuntimeException {
        public KafkaUnavailable(String why, Throwable cause) {
            super("Kafka did not answer: " + why, cause);
        }
    }
}
