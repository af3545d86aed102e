package dev.fleetplane.planner.eventlog;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;

/** One event as the log keeps it: the envelope, where it was read, and its data. */
public record LoggedEvent(String id, String type, String source, String subject, OffsetDateTime time,
                          String correlationId, String causationId, String topic, int partition, long offset,
                          JsonNode data) {
}
