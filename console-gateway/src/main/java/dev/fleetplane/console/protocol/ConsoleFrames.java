package dev.fleetplane.console.protocol;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The client's messages of Proxmox's serial console protocol (pve-xtermjs: termproxy behind {@code vncwebsocket}),
 * each returned as the payload of one WebSocket message: the auth line {@code <user>:<ticket>\n}, input
 * {@code 0:<len>:<data>} with {@code len} counted in bytes, resize {@code 1:<cols>:<rows>:} and the keep-alive
 * {@code 2}. Pure: builds byte arrays.
 *
 * <p>Each returned frame must go out as one WebSocket message. termproxy's {@code process_queue} consumes the
 * {@code 0:} of a header whose length field has not fully arrived and then misreads the rest, so a header split
 * across messages corrupts the stream (its data may be split; termproxy counts it down).
 */
public final class ConsoleFrames {

    /** pveproxy refuses client WebSocket payloads above 128 KiB ({@code websocket_proxy}). */
    public static final int MAX_WEBSOCKET_PAYLOAD = 128 * 1024;
    /** Data bytes per input frame unless told otherwise: a paste goes out in pieces of this size. */
    public static final int DEFAULT_MAX_DATA_BYTES = 16 * 1024;
    /**
     * The largest auth line, newline included: termproxy reads it into one fixed buffer and fails with "authentication
     * data is incomplete" when that fills without a newline; the simulator gives up past 4096 bytes.
     */
    public static final int MAX_AUTH_LINE = 4096;
    /** termproxy casts cols and rows to {@code u16} ({@code TIOCSWINSZ}); a larger value would wrap silently. */
    public static final int MAX_TERMINAL_SIZE = 0xFFFF;

    private static final byte[] KEEPALIVE = {'2'};
    /** {@code "0:" + 6 digits + ":"}: the header of the largest frame that fits a WebSocket payload. */
    private static final int MAX_HEADER = 9;

    private final int maxDataBytes;

    /** Frames of at most {@link #DEFAULT_MAX_DATA_BYTES} data bytes. */
    public ConsoleFrames() {
        this(DEFAULT_MAX_DATA_BYTES);
    }

    /**
     * Frames of at most {@code maxDataBytes} data bytes; at least 4 so that any UTF-8 character fits one frame, at
     * most what leaves room for the header in one WebSocket payload.
     */
    public ConsoleFrames(int maxDataBytes) {
        if (maxDataBytes < 4 || maxDataBytes > MAX_WEBSOCKET_PAYLOAD - MAX_HEADER) {
            throw new IllegalArgumentException("maxDataBytes " + maxDataBytes + " is out of range 4.."
                    + (MAX_WEBSOCKET_PAYLOAD - MAX_HEADER) + " (a UTF-8 character needs up to 4 bytes; a frame must fit"
                    + " pveproxy's 128 KiB WebSocket payload)");
        }
        this.maxDataBytes = maxDataBytes;
    }

    /** The data bytes this encoder puts in one frame at most. */
    public int maxDataBytes() {
        return maxDataBytes;
    }

    /**
     * The first message: {@code <user>:<ticket>\n}, with {@code user} and {@code ticket} exactly as the termproxy call
     * returned them. termproxy splits the line at its first {@code :} and ends it at the first newline, so a user with
     * either, or a ticket with a newline, is refused. The message names the field, never its value: it is a secret.
     */
    public static byte[] authLine(String user, String ticket) {
        requireField("user", user);
        requireField("ticket", ticket);
        if (user.indexOf(':') >= 0) {
            throw new IllegalArgumentException("console auth user contains ':' at index " + user.indexOf(':')
                    + ": termproxy splits the auth line at its first ':', so the user would be cut there");
        }
        byte[] line = (user + ":" + ticket + "\n").getBytes(StandardCharsets.UTF_8);
        if (line.length > MAX_AUTH_LINE) {
            throw new IllegalArgumentException("console auth line is " + line.length
                    + " bytes; termproxy reads at most " + MAX_AUTH_LINE + " (is the ticket a VNC ticket from the termproxy call?)");
        }
        return line;
    }

    private static void requireField(String name, String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("console auth " + name + " is empty; the termproxy call returns it");
        }
        int newline = value.indexOf('\n');
        if (newline < 0) {
            newline = value.indexOf('\r');
        }
        if (newline >= 0) {
            throw new IllegalArgumentException("console auth " + name + " contains a line break at index " + newline
                    + ": termproxy ends the auth line at the first newline");
        }
    }

    /** Keyboard input as typed text: its UTF-8 bytes, see {@link #input(byte[])}. */
    public List<byte[]> input(String text) {
        return input(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Input bytes as {@code 0:<len>:<data>} frames of at most {@link #maxDataBytes()} data bytes each, in order;
     * none for empty input. A cut never falls inside a UTF-8 sequence: it moves back to the start of the sequence.
     * Bytes that are not UTF-8 (a run of more than three continuation bytes) are cut at the limit, since there is no
     * character to keep whole.
     */
    public List<byte[]> input(byte[] bytes) {
        List<byte[]> frames = new ArrayList<>(bytes.length / maxDataBytes + 1);
        int start = 0;
        while (start < bytes.length) {
            int end = Math.min(bytes.length, start + maxDataBytes);
            if (end < bytes.length) {
                end = characterBoundaryAtOrBefore(bytes, start, end);
            }
            frames.add(dataFrame(bytes, start, end - start));
            start = end;
        }
        return frames;
    }

    /** The last index {@code <= end} (and {@code > start}) that does not fall on a UTF-8 continuation byte. */
    private static int characterBoundaryAtOrBefore(byte[] bytes, int start, int end) {
        for (int cut = end, steps = 0; cut > start && steps <= 3; cut--, steps++) {
            if (!isContinuation(bytes[cut])) {
                return cut;
            }
        }
        return end;
    }

    private static boolean isContinuation(byte b) {
        return (b & 0xC0) == 0x80;
    }

    private static byte[] dataFrame(byte[] bytes, int offset, int length) {
        byte[] header = ("0:" + length + ":").getBytes(StandardCharsets.US_ASCII);
        byte[] frame = new byte[header.length + length];
        System.arraycopy(header, 0, frame, 0, header.length);
        System.arraycopy(bytes, offset, frame, header.length, length);
        return frame;
    }

    /** {@code 1:<cols>:<rows>:}, columns first; both in {@code 1..65535}. */
    public static byte[] resize(int cols, int rows) {
        requireSize("cols", cols);
        requireSize("rows", rows);
        return ("1:" + cols + ":" + rows + ":").getBytes(StandardCharsets.US_ASCII);
    }

    private static void requireSize(String name, int value) {
        if (value < 1 || value > MAX_TERMINAL_SIZE) {
            throw new IllegalArgumentException("terminal " + name + " " + value + " is out of range 1.."
                    + MAX_TERMINAL_SIZE + " (termproxy sets the size as an unsigned 16-bit number)");
        }
    }

    /** {@code 2}: the keep-alive pve-xtermjs sends every 30 s; termproxy ignores it, pveproxy sees traffic. */
    public static byte[] keepalive() {
        return KEEPALIVE.clone();
    }
}
