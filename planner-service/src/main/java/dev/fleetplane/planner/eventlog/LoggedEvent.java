package dev.fleetplane.planner.eventlog;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;

/**
 * One event as the log keeps it: the envelope, where it was read, and its data.
 *
 * @param seq the log's own order (0 before it is stored); a client follows the log with {@code after=<seq>}
 */
public record LoggedEvent(long seq, String id, String type, String source, String subject, OffsetDateTime time,
                          String correlationId, String causationId, String topic, int partition, long offset,
                          JsonNode data) {
}
