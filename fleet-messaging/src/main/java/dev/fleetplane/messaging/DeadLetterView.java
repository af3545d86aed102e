package dev.fleetplane.messaging;

import dev.fleetplane.events.Topics;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * A dead-lettered record as an operator reads it: where it sits, the dead-letter headers of docs/events.md ("Dead
 * letters"), the CloudEvents type and id when the record has them, and a preview of its value. Anyone can write to a
 * {@code .dlq} topic, so every text here is untrusted: cut to a length, invalid UTF-8 replaced, control and format
 * characters (other than newline and tab) replaced by U+FFFD. Pure: decoded from a record without a broker.
 *
 * @param attempts  the {@code attempts} header as a number; null when absent or not a number
 * @param failedAt  the {@code failed-at} header as written (an ISO-8601 time when fleetplane wrote it)
 * @param eventType the {@code ce_type} header (binary CloudEvents), null when absent
 * @param preview   the first {@value #PREVIEW_BYTES} bytes of the value as text, {@code …} appended when cut
 */
public record DeadLetterView(String topic, int partition, long offset, Instant timestamp, String key, String reason,
                             String consumer, String origin, Integer attempts, String exception, String failedAt,
                             String eventType, String eventId, String preview) {

    /** How much of a value the preview shows. */
    public static final int PREVIEW_BYTES = 2048;
    /** How much of a header or key is kept. */
    static final int HEADER_BYTES = 1024;

    private static final char REPLACEMENT = '\uFFFD';

    public static DeadLetterView of(ConsumerRecord<String, byte[]> record) {
        Headers h = record.headers();
        String attempts = header(h, Topics.DLQ_ATTEMPTS_HEADER);
        Integer n = null;
        if (attempts != null) {
            try {
                n = Integer.valueOf(attempts.trim());
            } catch (NumberFormatException e) {
                n = null;
            }
        }
        Instant timestamp = record.timestamp() >= 0 ? Instant.ofEpochMilli(record.timestamp()) : null;
        String key = record.key() == null ? null
                : text(record.key().getBytes(StandardCharsets.UTF_8), HEADER_BYTES);
        return new DeadLetterView(record.topic(), record.partition(), record.offset(), timestamp, key,
                header(h, Topics.DLQ_REASON_HEADER), header(h, Topics.DLQ_CONSUMER_HEADER),
                header(h, Topics.DLQ_ORIGIN_HEADER), n, header(h, Topics.DLQ_EXCEPTION_HEADER),
                header(h, Topics.DLQ_FAILED_AT_HEADER), header(h, "ce_type"), header(h, "ce_id"),
                record.value() == null ? null : text(record.value(), PREVIEW_BYTES));
    }

    /** The last header of that name as safe text, or null. */
    static String header(Headers headers, String name) {
        Header last = headers.lastHeader(name);
        return last == null || last.value() == null ? null : text(last.value(), HEADER_BYTES);
    }

    /**
     * At most {@code limit} bytes as UTF-8 text, malformed sequences (a character cut at the limit too) and control
     * or format characters other than {@code \n} and {@code \t} replaced by U+FFFD; {@code …} appended when cut.
     */
    static String text(byte[] bytes, int limit) {
        boolean cut = bytes.length > limit;
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        CharBuffer chars;
        try {
            chars = decoder.decode(ByteBuffer.wrap(bytes, 0, Math.min(bytes.length, limit)));
        } catch (CharacterCodingException e) {
            // REPLACE never throws; kept for the checked signature
            throw new IllegalStateException(e);
        }
        StringBuilder out = new StringBuilder(chars.length() + 1);
        chars.codePoints().forEach(cp -> {
            boolean control = cp != '\n' && cp != '\t' && (Character.isISOControl(cp)
                    || Character.getType(cp) == Character.FORMAT);
            if (control) {
                out.append(REPLACEMENT);
            } else {
                out.appendCodePoint(cp);
            }
        });
        if (cut) {
            out.append('…');
        }
        return out.toString();
    }
}
