package dev.fleetplane.console.protocol;

import java.util.Arrays;
import java.util.HexFormat;

/** One client message of the console protocol as {@link ConsoleFrameParser} reads it. */
public sealed interface ConsoleMessage {

    /** {@code 0:<len>:<data>}: bytes for the terminal. */
    record Data(byte[] bytes) implements ConsoleMessage {

        public Data {
            bytes = bytes.clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        // a record compares arrays by identity; two frames with the same bytes are the same message
        @Override
        public boolean equals(Object other) {
            return other instanceof Data data && Arrays.equals(bytes, data.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "Data[" + bytes.length + " bytes: " + HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, 16))
                    + (bytes.length > 16 ? "…" : "") + "]";
        }
    }

    /** {@code 1:<cols>:<rows>:}: the terminal's new size. */
    record Resize(int cols, int rows) implements ConsoleMessage {
    }

    /** {@code 2}: keep-alive, no effect on the terminal. */
    record Keepalive() implements ConsoleMessage {
    }
}
