package dev.fleetplane.messaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fleetplane.events.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

class DeadLetterReplayTest {

    @Test
    void theReplay_goesToTheOriginTopic_withKeyValueAndHeaders_minusTheDeadLetterOnes_plusWhoAndWhence() {
        ConsumerRecord<String, byte[]> original = new ConsumerRecord<>(Topics.PVE_EVENTS, 1, 5L, "web-1",
                new byte[] {1, 2, 3});
        original.headers().add("ce_id", "e-1".getBytes(StandardCharsets.UTF_8));
        ProducerRecord<String, byte[]> dlq = DeadLetter.refused("planner", "not a CloudEvent",
                Instant.parse("2026-12-07T15:00:00Z")).copyOf(original);
        ConsumerRecord<String, byte[]> dead = new ConsumerRecord<>(dlq.topic(), 0, 12L, dlq.key(), dlq.value());
        dlq.headers().forEach(h -> dead.headers().add(h));
        dead.headers().add(DeadLetterReplay.REPLAYED_FROM_HEADER, "old".getBytes(StandardCharsets.UTF_8));

        ProducerRecord<String, byte[]> out = DeadLetterReplay.copyOf(dead, "alice");

        assertEquals(Topics.PVE_EVENTS, out.topic());
        assertEquals("web-1", out.key());
        assertArrayEquals(new byte[] {1, 2, 3}, out.value());
        List<String> headers = new ArrayList<>();
        for (Header h : out.headers()) {
            headers.add(h.key() + "=" + new String(h.value(), StandardCharsets.UTF_8));
        }
        assertEquals(List.of("ce_id=e-1", "fleetplane.replayed-from=pve.events.dlq-0@12",
                "fleetplane.replayed-by=alice"), headers);
    }

    @Test
    void theOriginTopic_isTheDlqTopicWithoutItsSuffix() {
        assertEquals("fleet.desired", DeadLetterReplay.originTopic("fleet.desired.dlq"));
        assertThrows(IllegalArgumentException.class, () -> DeadLetterReplay.originTopic("pve.events"));
        assertThrows(IllegalArgumentException.class, () -> DeadLetterReplay.originTopic(".dlq"));
    }
}
