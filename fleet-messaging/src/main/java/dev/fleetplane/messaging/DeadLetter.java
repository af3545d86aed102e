package dev.fleetplane.messaging;

import dev.fleetplane.events.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Why a consumer gave up on a record, and the copy of it that goes to {@code <topic>.dlq}: the one header
 * contract of docs/events.md ("Dead letters"). Pure, so the contract is tested without a broker.
 *
 * @param attempts  how often the handler ran; 0 when the record was refused before (unreadable, a kind the
 *                  consumer does not handle)
 * @param exception the class of the last failure, or null when the consumer refused the record itself
 */
public record DeadLetter(String consumer, String reason, int attempts, String exception, Instant failedAt) {

    /** A record refused before any handler ran. */
    public static DeadLetter refused(String consumer, String reason, Instant now) {
        return new DeadLetter(consumer, reason, 0, null, now);
    }

    /** A record whose handler failed {@code attempts} times, the last time with {@code failure}. */
    public static DeadLetter failed(String consumer, int attempts, RuntimeException failure, Instant now) {
        String reason = "handler failed after " + attempts + (attempts == 1 ? " attempt: " : " attempts: ") + failure;
        return new DeadLetter(consumer, reason, attempts, failure.getClass().getName(), now);
    }

    public static String origin(ConsumerRecord<?, ?> record) {
        return record.topic() + "-" + record.partition() + "@" + record.offset();
    }

    /**
     * The copy: same key, value and headers, minus the dead-letter headers of an earlier trip through a DLQ, plus
     * this one's.
     */
    public ProducerRecord<String, byte[]> copyOf(ConsumerRecord<String, byte[]> record) {
        ProducerRecord<String, byte[]> out = new ProducerRecord<>(Topics.dlq(record.topic()), null, record.key(),
                record.value());
        for (Header h : record.headers()) {
            if (!h.key().startsWith(Topics.DLQ_HEADER_PREFIX)) {
                out.headers().add(h);
            }
        }
        add(out, Topics.DLQ_REASON_HEADER, reason);
        add(out, Topics.DLQ_CONSUMER_HEADER, consumer);
        add(out, Topics.DLQ_ORIGIN_HEADER, origin(record));
        add(out, Topics.DLQ_ATTEMPTS_HEADER, Integer.toString(attempts));
        if (exception != null) {
            add(out, Topics.DLQ_EXCEPTION_HEADER, exception);
        }
        add(out, Topics.DLQ_FAILED_AT_HEADER, failedAt.toString());
        return out;
    }

    private static void add(ProducerRecord<String, byte[]> out, String key, String value) {
        out.headers().add(key, value.getBytes(StandardCharsets.UTF_8));
    }
}
