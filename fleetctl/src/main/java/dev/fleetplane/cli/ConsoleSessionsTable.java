package dev.fleetplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** {@code GET /console/sessions} as a table for {@code fleetplane console sessions}: who, where, when, how much. */
final class ConsoleSessionsTable {

    private static final DateTimeFormatter OPENED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    private ConsoleSessionsTable() {
    }

    /**
     * One line per session, newest first as the gateway sends them; {@code now} measures sessions still open. Bytes
     * are the gateway's {@code bytesIn} (typed, client to VM) and {@code bytesOut} (VM output sent to the client).
     */
    static String render(JsonNode sessions, Instant now) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("OPERATOR", "HOST", "FROM", "OPENED", "DURATION", "IN", "OUT", "KEYBOARD", "CLOSE REASON"));
        for (JsonNode s : sessions) {
            Instant opened = instant(s.path("openedAt"));
            Instant closed = instant(s.path("closedAt"));
            String duration = opened == null ? "-"
                    : VmTable.uptime(Math.max(1, Duration.between(opened, closed != null ? closed : now).toSeconds()));
            rows.add(List.of(s.path("operator").asText("-"), s.path("host").asText("-"), s.path("from").asText("-"),
                    opened == null ? "-" : OPENED.format(opened), closed == null ? duration + " (open)" : duration,
                    Long.toString(s.path("bytesIn").asLong()), Long.toString(s.path("bytesOut").asLong()),
                    periods(s.path("writeLock")), closed == null ? "-" : s.path("closeReason").asText("-")));
        }
        return rows.size() == 1 ? "no console sessions" + System.lineSeparator() : Columns.align(rows);
    }

    /** The periods this viewer held the keyboard: {@code 19:47:03-19:48:10, 19:50:00-now}; never: {@code -}. */
    static String periods(JsonNode writeLock) {
        List<String> out = new ArrayList<>();
        for (JsonNode p : writeLock) {
            Instant from = instant(p.path("from"));
            Instant to = instant(p.path("to"));
            out.add((from == null ? "?" : CLOCK.format(from)) + "-" + (to == null ? "now" : CLOCK.format(to)));
        }
        return out.isEmpty() ? "-" : String.join(", ", out);
    }

    private static Instant instant(JsonNode n) {
        if (!n.isTextual()) {
            return null;
        }
        try {
            return Instant.parse(n.asText());
        } catch (DateTimeParseException e) {
            return java.time.OffsetDateTime.parse(n.asText()).toInstant();
        }
    }
}
