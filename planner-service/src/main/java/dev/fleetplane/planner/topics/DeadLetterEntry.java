package dev.fleetplane.planner.topics;

import dev.fleetplane.messaging.DeadLetterView;
import java.time.Instant;
import java.time.OffsetDateTime;

/** One dead letter as {@code GET /api/v1/dead-letters} shows it: the record's view and its replay, if any. */
public record DeadLetterEntry(String topic, int partition, long offset, Instant timestamp, String key, String reason,
                              String consumer, String origin, Integer attempts, String exception, String failedAt,
                              String eventType, String eventId, String preview, String replayedBy,
                              OffsetDateTime replayedAt) {

    public static DeadLetterEntry of(DeadLetterView v, DeadLetterReplays.Replay replay) {
        return new DeadLetterEntry(v.topic(), v.partition(), v.offset(), v.timestamp(), v.key(), v.reason(),
                v.consumer(), v.origin(), v.attempts(), v.exception(), v.failedAt(), v.eventType(), v.eventId(),
                v.preview(), replay == null ? null : replay.by(), replay == null ? null : replay.at());
    }

    public DeadLetterReplays.Position position() {
        return new DeadLetterReplays.Position(topic, partition, offset);
    }
}
