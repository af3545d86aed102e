package dev.fleetplane.console.protocol;

import java.util.Arrays;
import java.util.Optional;

/**
 * The server's side of the handshake: termproxy answers a good auth line with the two bytes {@code OK} and then
 * streams terminal output, possibly in the same WebSocket message (pve-xtermjs checks the first two bytes and writes
 * the rest); on a bad ticket it exits without a word and the socket closes. Fed the server's payloads in order, it
 * says when the greeting is complete and hands back the output that came with it. Not thread-safe.
 */
public final class ServerGreeting {

    private static final byte[] OK = {'O', 'K'};

    private int matched;

    /**
     * Empty while the {@code OK} is incomplete; then the terminal output that followed it in {@code chunk},
     * maybe none.
     * Fails on any other first bytes, naming the byte and its offset. After the greeting, every chunk is output.
     */
    public Optional<byte[]> feed(byte[] chunk) {
        int i = 0;
        while (matched < OK.length && i < chunk.length) {
            if (chunk[i] != OK[matched]) {
                throw new ConsoleProtocolException(matched, "termproxy's greeting: expected 'OK', got "
                        + String.format("0x%02X", chunk[i] & 0xFF));
            }
            matched++;
            i++;
        }
        return matched < OK.length ? Optional.empty() : Optional.of(Arrays.copyOfRange(chunk, i, chunk.length));
    }

    /** Whether the {@code OK} has arrived: the session is authenticated. */
    public boolean complete() {
        return matched == OK.length;
    }

    /**
     * The failure for a socket that closed before the greeting: termproxy refuses a ticket by exiting, so this is how
     * an authentication failure or a late connection looks from here.
     */
    public ConsoleProtocolException closedEarly() {
        return new ConsoleProtocolException(matched, "the console closed before termproxy's 'OK': the VNC ticket was"
                + " refused or expired (it is valid for 40 s), or termproxy gave up waiting (10 s to connect, 10 s for"
                + " the auth line)");
    }
}
