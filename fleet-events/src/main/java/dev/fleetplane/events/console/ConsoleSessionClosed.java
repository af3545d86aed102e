package dev.fleetplane.events.console;

import java.time.Instant;
import java.util.List;

/**
 * A viewer left a VM's serial console, or was made to leave.
 *
 * @param session        the viewer session's id, as in its {@link ConsoleSessionOpened}
 * @param durationMillis from admission to close
 * @param bytesIn        bytes this viewer typed that reached the VM
 * @param bytesOut       bytes of VM output sent to this viewer (scrollback replay included)
 * @param writeLock      when this viewer held the keyboard, in order
 * @param reason         why it ended, in words ({@code client closed}, {@code idle for 15m}, {@code not reading}, …)
 */
public record ConsoleSessionClosed(String session, String host, String node, int vmid, String operator, String from,
                                   String backend, Instant openedAt, Instant closedAt, long durationMillis,
                                   long bytesIn, long bytesOut, List<Period> writeLock, String reason) {

    public ConsoleSessionClosed {
        writeLock = writeLock == null ? List.of() : List.copyOf(writeLock);
    }

    /** One stretch of holding the keyboard; {@code to} is the session's end when it still held it then. */
    public record Period(Instant from, Instant to) {
    }
}
