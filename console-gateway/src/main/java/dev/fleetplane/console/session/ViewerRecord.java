package dev.fleetplane.console.session;

import java.time.Instant;
import java.util.List;

/**
 * What the audit keeps of one viewer: who, from where, how much each way, when it held the keyboard.
 *
 * @param closedAt  null while the viewer is still there
 * @param writeLock the periods it held the keyboard; the last one's {@code to} is null while it still holds it
 * @param reason    why it ended; null while open
 */
public record ViewerRecord(String session, String console, String operator, String from, String access,
                           Instant openedAt, Instant closedAt, long bytesIn, long bytesOut, List<Period> writeLock,
                           String reason) {

    public ViewerRecord {
        writeLock = List.copyOf(writeLock);
    }

    /** One stretch of holding the keyboard. */
    public record Period(Instant from, Instant to) {
    }
}
