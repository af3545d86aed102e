package dev.fleetplane.localstack.kafka;

import dev.fleetplane.events.Topics;

import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TopicCreatorTest {

    private final Map<String, NewTopic> topics = TopicCreator.newTopics(Topics.allWithDeadLetters()).stream()
            .collect(Collectors.toMap(NewTopic::name, Function.identity()));

    @Test
    void everyDeclaredTopic_isCreatedWithItsPartitionsAndOneReplica() {
        assertEquals(Topics.allWithDeadLetters().size(), topics.size());
        for (var spec : Topics.allWithDeadLetters()) {
            NewTopic topic = topics.get(spec.name());
            assertEquals(spec.partitions(), topic.numPartitions(), spec.name());
            assertEquals((short) 1, topic.replicationFactor(), spec.name());
        }
    }

    @Test
    void auditTopic_keepsEverything() {
        assertEquals("-1", topics.get(Topics.PVE_EVENTS).configs().get("retention.ms"));
        assertEquals("-1", topics.get(Topics.FLEET_DESIRED).configs().get("retention.ms"));
    }

    @Test
    void deadLetterTopic_keepsItsDeclaredRetention() {
        String dlq = Topics.dlq(Topics.PVE_EVENTS);
        long declared = Topics.allWithDeadLetters().stream().filter(t -> t.name().equals(dlq)).findFirst()
                .orElseThrow().retention().orElseThrow().toMillis();
        assertEquals(String.valueOf(declared), topics.get(dlq).configs().get("retention.ms"));
        assertEquals(String.valueOf(Duration.ofDays(30).toMillis()), topics.get(dlq).configs().get("retention.ms"));
    }
}
