package dev.fleetplane.cli.console;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What the terminal client does with the bytes read from stdin, read after read: it looks for the leave key
 * ({@code Ctrl-]}, 0x1d, as telnet's escape) and cuts what goes before it into binary messages of at most
 * {@link #MAX_CHUNK} bytes (the gateway's contract: pastes in chunks of at most 64 KiB). The leave key itself is
 * never sent, nor anything typed after it, in the same read or a later one. Pure: no I/O.
 */
public final class TypedInput {

    /** {@code Ctrl-]}: leaves the console. */
    public static final byte LEAVE = 0x1d;
    /** The largest binary message sent to the gateway. */
    public static final int MAX_CHUNK = 64 * 1024;

    private final int maxChunk;
    private boolean left;

    public TypedInput() {
        this(MAX_CHUNK);
    }

    TypedInput(int maxChunk) {
        if (maxChunk < 1 || maxChunk > MAX_CHUNK) {
            throw new IllegalArgumentException("chunk size must be 1.." + MAX_CHUNK + ", got " + maxChunk);
        }
        this.maxChunk = maxChunk;
    }

    /** One read's verdict: the messages to send, in order, and whether the operator asked to leave. */
    public record Scan(List<byte[]> send, boolean leave) {
    }

    /** Scans {@code length} bytes of {@code buffer} from {@code offset}, as one read from stdin gave them. */
    public Scan read(byte[] buffer, int offset, int length) {
        if (left) {
            return new Scan(List.of(), true);
        }
        int end = offset + length;
        int stop = end;
        for (int i = offset; i < end; i++) {
            if (buffer[i] == LEAVE) {
                stop = i;
                left = true;
                break;
            }
        }
        List<byte[]> chunks = new ArrayList<>();
        for (int from = offset; from < stop; from += maxChunk) {
            chunks.add(Arrays.copyOfRange(buffer, from, Math.min(stop, from + maxChunk)));
        }
        return new Scan(List.copyOf(chunks), left);
    }

    /** Whether the leave key has been seen. */
    public boolean left() {
        return left;
    }
}
