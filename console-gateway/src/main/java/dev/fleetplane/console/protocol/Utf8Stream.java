package dev.fleetplane.console.protocol;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Terminal output (termproxy sends raw PTY bytes, cut wherever its reads fell) decoded to text chunk by chunk: a
 * character split across chunks is held back until its last byte arrives. Bytes that are not UTF-8 become U+FFFD,
 * one per malformed sequence as the JDK's decoder delimits it, and are counted, so a caller can say how many were
 * replaced. Not thread-safe: one per stream.
 */
public final class Utf8Stream {

    /** What stands in for bytes that are not UTF-8. */
    public static final char REPLACEMENT = '\uFFFD';

    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    /** The start of a character whose remaining bytes are in the next chunk: at most 3 bytes. */
    private byte[] carry = new byte[0];
    private long replaced;

    /** The text completed by {@code chunk}; the bytes of a character it leaves unfinished wait for the next chunk. */
    public String decode(byte[] chunk) {
        return decode(chunk, false);
    }

    /** The text left at the end of the stream: an unfinished character becomes U+FFFD. */
    public String finish() {
        return decode(new byte[0], true);
    }

    /** How many malformed sequences were replaced by U+FFFD so far. */
    public long replacedSequences() {
        return replaced;
    }

    private String decode(byte[] chunk, boolean endOfInput) {
        ByteBuffer in = ByteBuffer.allocate(carry.length + chunk.length).put(carry).put(chunk).flip();
        // UTF-8 never yields more chars than bytes, and a replacement takes one char for at least one byte
        CharBuffer out = CharBuffer.allocate(in.remaining() + 1);
        while (true) {
            CoderResult result = decoder.decode(in, out, endOfInput);
            if (result.isUnderflow()) {
                break;
            }
            if (result.isMalformed() || result.isUnmappable()) {
                out.put(REPLACEMENT);
                in.position(in.position() + result.length());
                replaced++;
            } else {
                throw new IllegalStateException("UTF-8 decoder overflowed a buffer sized for its input: " + result);
            }
        }
        if (endOfInput) {
            decoder.flush(out);
            decoder.reset();
        }
        carry = new byte[in.remaining()];
        in.get(carry);
        return out.flip().toString();
    }
}
