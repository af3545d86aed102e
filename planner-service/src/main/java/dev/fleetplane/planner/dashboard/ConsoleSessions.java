package dev.fleetplane.planner.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetplane.messaging.access.HostScope;
import dev.fleetplane.planner.eventlog.LoggedEvent;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The serial-console sessions from {@code console.sessions}: open ones (an opening record without its closing one)
 * and the newest closed ones, only of hosts in the caller's scope. Pure.
 */
public final class ConsoleSessions {

    /** The answer: {@code open} newest first with how long each has been open; {@code closed} newest first. */
    public record View(List<JsonNode> open, List<JsonNode> closed) {
    }

    private ConsoleSessions() {
    }

    public static View of(List<LoggedEvent> newestFirst, HostScope scope, int closedLimit, OffsetDateTime now) {
        Set<String> ended = new HashSet<>();
        List<JsonNode> open = new ArrayList<>();
        List<JsonNode> closed = new ArrayList<>();
        for (LoggedEvent e : newestFirst) {
            JsonNode d = e.data();
            if (d == null || !d.hasNonNull("session") || !scope.allows(d.path("host").asText(null))) {
                continue;
            }
            String session = d.get("session").asText();
            if (e.type().startsWith("fleetplane.console.session-closed.")) {
                ended.add(session);
                if (closed.size() < closedLimit) {
                    closed.add(d);
                }
            } else if (!ended.contains(session)) {
                var row = d.deepCopy();
                if (row instanceof com.fasterxml.jackson.databind.node.ObjectNode o && d.hasNonNull("openedAt")) {
                    try {
                        o.put("seconds", Math.max(0, Duration.between(OffsetDateTime.parse(d.get("openedAt").asText()),
                                now).toSeconds()));
                    } catch (java.time.format.DateTimeParseException x) {
                        // no duration for an unreadable time
                    }
                }
                open.add(row);
            }
        }
        return new View(open, closed);
    }
}
