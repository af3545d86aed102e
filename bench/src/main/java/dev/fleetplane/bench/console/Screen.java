package dev.fleetplane.bench.console;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

/**
 * What one console client has received, byte by byte, each byte with the {@link System#nanoTime()} at which its
 * WebSocket message arrived (taken on the client's receiving thread, so a driver that waits for several screens one
 * after the other still reads each screen's own arrival time). A read position moves past what was awaited.
 */
final class Screen {

    private final String name;
    private byte[] bytes = new byte[8192];
    private long[] arrived = new long[8192];
    private int size;
    private int read;

    Screen(String name) {
        this.name = name;
    }

    /** Called by the WebSocket listener with each binary message (or part of one). */
    synchronized void append(ByteBuffer data, long nanos) {
        int n = data.remaining();
        if (size + n > bytes.length) {
            int capacity = Math.max(bytes.length * 2, size + n);
            bytes = Arrays.copyOf(bytes, capacity);
            arrived = Arrays.copyOf(arrived, capacity);
        }
        data.get(bytes, size, n);
        Arrays.fill(arrived, size, size + n, nanos);
        size += n;
        notifyAll();
    }

    /** Waits for the next {@code b} after the read position; moves past it and returns when it arrived. */
    synchronized long awaitByte(byte b, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (int i = read; i < size; i++) {
                if (bytes[i] == b) {
                    read = i + 1;
                    return arrived[i];
                }
            }
            waitUntil(end, () -> "the echo of '" + (char) b + "'");
        }
    }

    /** Waits until {@code text} (ASCII) follows the read position somewhere; moves past it. */
    synchronized void awaitText(String text, Duration timeout) throws InterruptedException {
        byte[] want = text.getBytes(StandardCharsets.US_ASCII);
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            int at = indexOf(want);
            if (at >= 0) {
                read = at + want.length;
                return;
            }
            waitUntil(end, () -> "'" + printable(text) + "'");
        }
    }

    /** Waits until {@code count} bytes arrived in all, then moves the read position to the end. */
    synchronized void awaitSizeAndSkip(int count, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (size < count) {
            waitUntil(end, () -> count + " bytes");
        }
        read = size;
    }

    private int indexOf(byte[] want) {
        outer:
        for (int i = read; i + want.length <= size; i++) {
            for (int j = 0; j < want.length; j++) {
                if (bytes[i + j] != want[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private void waitUntil(long end, java.util.function.Supplier<String> what) throws InterruptedException {
        long left = end - System.nanoTime();
        if (left <= 0) {
            String tail = new String(bytes, Math.max(read, size - 200), size - Math.max(read, size - 200),
                    StandardCharsets.UTF_8);
            throw new IllegalStateException(name + ": no " + what.get() + " within the timeout; unread: '"
                    + printable(tail) + "'");
        }
        wait(Math.max(1, left / 1_000_000), 0);
    }

    @Override
    public String toString() {
        return name;
    }

    private static String printable(String s) {
        return s.replace("\r", "\\r").replace("\n", "\\n").replace("\b", "\\b").replace("\u007f", "\\x7f");
    }
}
