package dev.fleetplane.planner.topics;

import dev.fleetplane.messaging.TopicStats;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code GET /api/v1/topics} answers: every topic's partitions and offsets with the planner's own produce rate,
 * every consumer group on them with its lag, and the dead letters held per dead-letter topic. Pure.
 */
public record TopicsOverview(Instant sampledAt, List<Topic> topics, List<TopicStats.GroupFigures> groups,
                             DeadLetterCount deadLetters) {

    /** @param ratePerSecond records written per second between the sampler's last two looks (0 before it has two) */
    public record Topic(String name, boolean dlq, List<TopicStats.PartitionOffsets> partitions, long messages,
                        double ratePerSecond) {
    }

    public record DeadLetterCount(long total, Map<String, Long> byTopic) {
    }

    public static TopicsOverview of(TopicStats.Snapshot s, Map<String, Double> rates) {
        long total = 0;
        Map<String, Long> byTopic = new TreeMap<>();
        List<Topic> topics = new java.util.ArrayList<>();
        for (TopicStats.TopicFigures t : s.topics()) {
            topics.add(new Topic(t.name(), t.dlq(), t.partitions(), t.messages(), rates.getOrDefault(t.name(), 0.0)));
            if (t.dlq()) {
                byTopic.put(t.name(), t.messages());
                total += t.messages();
            }
        }
        return new TopicsOverview(s.sampledAt(), List.copyOf(topics), s.groups(),
                new DeadLetterCount(total, byTopic));
    }
}
