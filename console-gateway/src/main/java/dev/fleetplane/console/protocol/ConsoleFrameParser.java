package dev.fleetplane.console.protocol;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the client's side of the console protocol the way termproxy does (its {@code process_queue}), from
 * WebSocket payloads fed in order: a message may be split across payloads at any byte and several may share one.
 * Unlike termproxy, which skips bytes it does not understand, it is strict: the gateway checks with it what its own
 * clients send, so malformed input fails with the byte offset where it went wrong, and the parser stays failed.
 *
 * <p>Memory is bounded: a data length above the limit fails as soon as its digits pass it, and a frame's bytes are
 * kept as they arrive, never reserved up front from the declared length. Not thread-safe: one parser per stream.
 */
public final class ConsoleFrameParser {

    /** termproxy discards a number field longer than 20 bytes. */
    static final int MAX_DIGITS = 20;

    private enum State { TYPE, DATA_COLON, DATA_LENGTH, DATA_BYTES, RESIZE_COLON, RESIZE_COLS, RESIZE_ROWS, FAILED }

    private final int maxDataBytes;
    private State state = State.TYPE;
    private long offset;
    private long number;
    private int digits;
    private int cols;
    private int remaining;
    private ByteArrayOutputStream data;
    private ConsoleProtocolException failure;

    /** A parser that accepts data frames of up to pveproxy's WebSocket payload limit, 128 KiB. */
    public ConsoleFrameParser() {
        this(ConsoleFrames.MAX_WEBSOCKET_PAYLOAD);
    }

    /** A parser that refuses data frames whose declared length exceeds {@code maxDataBytes}. */
    public ConsoleFrameParser(int maxDataBytes) {
        if (maxDataBytes < 1) {
            throw new IllegalArgumentException("maxDataBytes " + maxDataBytes + " must be at least 1");
        }
        this.maxDataBytes = maxDataBytes;
    }

    /** The messages completed by {@code chunk}, in order; a message still incomplete waits for the next chunk. */
    public List<ConsoleMessage> feed(byte[] chunk) {
        return feed(chunk, 0, chunk.length);
    }

    /** As {@link #feed(byte[])} for {@code length} bytes of {@code chunk} from {@code from}. */
    public List<ConsoleMessage> feed(byte[] chunk, int from, int length) {
        if (failure != null) {
            throw new IllegalStateException("console parser already failed: " + failure.getMessage(), failure);
        }
        List<ConsoleMessage> messages = new ArrayList<>();
        int end = from + length;
        int i = from;
        try {
            while (i < end) {
                if (state == State.DATA_BYTES) {
                    int n = Math.min(remaining, end - i);
                    data.write(chunk, i, n);
                    i += n;
                    offset += n;
                    remaining -= n;
                    if (remaining == 0) {
                        messages.add(new ConsoleMessage.Data(data.toByteArray()));
                        data = null;
                        state = State.TYPE;
                    }
                } else {
                    step(chunk[i], messages);
                    i++;
                    offset++;
                }
            }
        } catch (ConsoleProtocolException e) {
            failure = e;
            state = State.FAILED;
            throw e;
        }
        return messages;
    }

    /** Fails when the stream stops inside a message (the peer closed mid-frame); harmless at a message boundary. */
    public void end() {
        if (failure != null) {
            throw new IllegalStateException("console parser already failed: " + failure.getMessage(), failure);
        }
        switch (state) {
            case TYPE -> {
            }
            case DATA_BYTES -> throw fail("stream ended inside a data frame, " + remaining + " bytes short");
            default -> throw fail("stream ended inside a message header");
        }
    }

    private void step(byte b, List<ConsoleMessage> messages) {
        switch (state) {
            case TYPE -> {
                switch (b) {
                    case '0' -> state = State.DATA_COLON;
                    case '1' -> state = State.RESIZE_COLON;
                    case '2' -> messages.add(new ConsoleMessage.Keepalive());
                    default -> throw fail("unknown message type " + describe(b)
                            + "; expected '0' (data), '1' (resize) or '2' (keepalive)");
                }
            }
            case DATA_COLON -> expectColon(b, "data", State.DATA_LENGTH);
            case RESIZE_COLON -> expectColon(b, "resize", State.RESIZE_COLS);
            case DATA_LENGTH -> {
                if (b == ':') {
                    int length = (int) finishNumber("data length");
                    if (length == 0) {
                        messages.add(new ConsoleMessage.Data(new byte[0]));
                        state = State.TYPE;
                    } else {
                        remaining = length;
                        data = new ByteArrayOutputStream(Math.min(length, 8192));
                        state = State.DATA_BYTES;
                    }
                } else {
                    addDigit(b, "data length", maxDataBytes, " bytes");
                }
            }
            case RESIZE_COLS -> {
                if (b == ':') {
                    cols = (int) finishSize("cols");
                    state = State.RESIZE_ROWS;
                } else {
                    addDigit(b, "resize cols", ConsoleFrames.MAX_TERMINAL_SIZE, "");
                }
            }
            case RESIZE_ROWS -> {
                if (b == ':') {
                    int rows = (int) finishSize("rows");
                    messages.add(new ConsoleMessage.Resize(cols, rows));
                    state = State.TYPE;
                } else {
                    addDigit(b, "resize rows", ConsoleFrames.MAX_TERMINAL_SIZE, "");
                }
            }
            default -> throw new IllegalStateException("parser state " + state + " reads no single bytes");
        }
    }

    private void expectColon(byte b, String kind, State next) {
        if (b != ':') {
            throw fail(kind + " message: expected ':' after its type, got " + describe(b));
        }
        number = 0;
        digits = 0;
        state = next;
    }

    private void addDigit(byte b, String field, long max, String unit) {
        if (b == '-' && digits == 0) {
            throw fail(field + " is negative");
        }
        if (b < '0' || b > '9') {
            throw fail(field + ": expected a digit or ':', got " + describe(b));
        }
        if (++digits > MAX_DIGITS) {
            throw fail(field + " has more than " + MAX_DIGITS + " digits");
        }
        number = number * 10 + (b - '0');
        if (number > max) {
            // fail on the digit that passes the limit: a huge length must not wait for its ':' or its data
            throw fail(field + " exceeds the limit of " + max + unit + " (" + number + " so far)");
        }
    }

    private long finishNumber(String field) {
        if (digits == 0) {
            throw fail(field + " is empty");
        }
        long value = number;
        number = 0;
        digits = 0;
        return value;
    }

    private long finishSize(String field) {
        long value = finishNumber("resize " + field);
        if (value < 1) {
            throw fail("resize " + field + " " + value + " is out of range 1.." + ConsoleFrames.MAX_TERMINAL_SIZE);
        }
        return value;
    }

    private ConsoleProtocolException fail(String problem) {
        return new ConsoleProtocolException(offset, problem);
    }

    private static String describe(byte b) {
        int v = b & 0xFF;
        String hex = String.format("0x%02X", v);
        return v >= 0x20 && v < 0x7F ? "'" + (char) v + "' (" + hex + ")" : hex;
    }
}
