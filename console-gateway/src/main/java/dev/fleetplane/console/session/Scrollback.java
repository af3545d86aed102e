package dev.fleetplane.console.session;

/**
 * The last {@code capacity} bytes a VM wrote, replayed to a viewer who joins late. A ring buffer: appending never
 * allocates, and the oldest bytes go first. Not thread-safe; its {@link ConsoleSession} guards it.
 */
final class Scrollback {

    /** A replay that starts mid-line skips to the next line when one begins within this many bytes. */
    private static final int LINE_SEARCH = 1024;

    private final byte[] ring;
    private int start; // index of the oldest byte
    private int size;
    private boolean wrapped; // bytes were dropped at the front

    Scrollback(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("scrollback capacity must be 0 or more, got " + capacity);
        }
        ring = new byte[capacity];
    }

    void append(byte[] bytes) {
        int n = bytes.length;
        if (ring.length == 0 || n == 0) {
            wrapped |= n > 0;
            return;
        }
        int from = 0;
        if (n >= ring.length) { // only the tail fits
            from = n - ring.length;
            n = ring.length;
            wrapped = true;
            start = 0;
            size = 0;
        }
        int overflow = size + n - ring.length;
        if (overflow > 0) {
            start = (start + overflow) % ring.length;
            size -= overflow;
            wrapped = true;
        }
        int end = (start + size) % ring.length;
        int first = Math.min(n, ring.length - end);
        System.arraycopy(bytes, from, ring, end, first);
        System.arraycopy(bytes, from + first, ring, 0, n - first);
        size += n;
    }

    /**
     * The kept bytes, oldest first. When older output was dropped, the replay starts after the first line break
     * (if one comes soon), so that a late joiner does not see half a line or half a UTF-8 character first.
     */
    byte[] snapshot() {
        byte[] out = new byte[size];
        int first = Math.min(size, ring.length - start);
        System.arraycopy(ring, start, out, 0, first);
        System.arraycopy(ring, 0, out, first, size - first);
        if (!wrapped) {
            return out;
        }
        for (int i = 0; i < Math.min(out.length, LINE_SEARCH); i++) {
            if (out[i] == '\n') {
                return java.util.Arrays.copyOfRange(out, i + 1, out.length);
            }
        }
        return out;
    }

    int size() {
        return size;
    }
}
