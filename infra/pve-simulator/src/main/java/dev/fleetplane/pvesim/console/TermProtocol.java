package dev.fleetplane.pvesim.console;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * termproxy's {@code process_queue}: {@code 0:<len>:<data>} writes {@code len} bytes to the terminal,
 * {@code 1:<cols>:<rows>:} resizes, {@code 2} is a keep-alive; any other first byte is consumed and ignored, and a
 * number field longer than 20 bytes without {@code :} is discarded. Messages may be split or coalesced. Public so
 * that the console gateway's encoder can be checked against the same parser the simulated termproxy runs.
 */
public final class TermProtocol {

    /** Receives the bytes of data messages, in order. */
    public interface Data {
        void write(byte[] data) throws IOException;
    }

    /** Receives resizes, columns first. */
    public interface Resize {
        void resize(int cols, int rows);
    }

    private static final int MAX_FIELD = 20;
    private final InputStream in;
    private final Data data;
    private final Resize resize;

    public TermProtocol(InputStream in, Data data, Resize resize) {
        this.in = in;
        this.data = data;
        this.resize = resize;
    }

    /** Runs until the stream ends. */
    public void run() throws IOException {
        for (int type; (type = in.read()) >= 0; ) {
            switch (type) {
                case '0' -> {
                    if (in.read() != ':') {
                        continue;
                    }
                    Long len = number();
                    if (len == null) {
                        continue;
                    }
                    byte[] bytes = in.readNBytes((int) Math.min(len, Integer.MAX_VALUE));
                    if (bytes.length > 0) {
                        data.write(bytes);
                    }
                }
                case '1' -> {
                    if (in.read() != ':') {
                        continue;
                    }
                    Long cols = number();
                    Long rows = cols == null ? null : number();
                    if (cols != null && rows != null) {
                        resize.resize(cols.intValue(), rows.intValue());
                    }
                }
                default -> {
                    // '2' (ping) and anything else: consumed, ignored
                }
            }
        }
    }

    /** Digits up to ':'; null when the field is too long or not a number (it is discarded). */
    private Long number() throws IOException {
        ByteArrayOutputStream digits = new ByteArrayOutputStream();
        for (int b; (b = in.read()) >= 0; ) {
            if (b == ':') {
                try {
                    return Long.parseLong(digits.toString());
                } catch (NumberFormatException e) {
                    return null;
                }
            }
            if (digits.size() >= MAX_FIELD) {
                return null;
            }
            digits.write(b);
        }
        return null;
    }
}
