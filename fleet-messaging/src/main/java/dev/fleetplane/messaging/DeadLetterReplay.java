package dev.fleetplane.messaging;

import dev.fleetplane.events.Topics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;

/**
 * Puts a dead-lettered record back on the topic it came from: the same key, value and headers, minus the dead-letter
 * headers, plus who replayed it from where. Waits for the broker's ack. Consumers dedupe by event id (their inbox),
 * so replaying an event that was handled after all changes nothing.
 */
@ApplicationScoped
public class DeadLetterReplay {

    /** Header on a replayed record: {@code <dlq topic>-<partition>@<offset>} it was replayed from. */
    public static final String REPLAYED_FROM_HEADER = "fleetplane.replayed-from";
    /** Header on a replayed record: the name of the operator's token that replayed it. */
    public static final String REPLAYED_BY_HEADER = "fleetplane.replayed-by";

    @Inject
    KafkaProducerProvider producers;

    /** Where the copy landed. */
    public record Replayed(String topic, int partition, long offset) {
    }

    /** The replay could not be sent; the message says why (never a secret: Kafka's own words). */
    public static class ReplayFailed extends RuntimeException {
        public ReplayFailed(String why, Throwable cause) {
            super(why, cause);
        }
    }

    /** The topic a dead-letter topic belongs to: {@code pve.events.dlq} → {@code pve.events}. */
    public static String originTopic(String dlqTopic) {
        if (!dlqTopic.endsWith(Topics.DLQ_SUFFIX) || dlqTopic.length() == Topics.DLQ_SUFFIX.length()) {
            throw new IllegalArgumentException(dlqTopic + " is not a dead-letter topic (*" + Topics.DLQ_SUFFIX + ")");
        }
        return dlqTopic.substring(0, dlqTopic.length() - Topics.DLQ_SUFFIX.length());
    }

    /** The copy for the origin topic (pure). */
    public static ProducerRecord<String, byte[]> copyOf(ConsumerRecord<String, byte[]> dead, String replayedBy) {
        ProducerRecord<String, byte[]> out = new ProducerRecord<>(originTopic(dead.topic()), null, dead.key(),
                dead.value());
        for (Header h : dead.headers()) {
            if (!h.key().startsWith(Topics.DLQ_HEADER_PREFIX) && !h.key().equals(REPLAYED_FROM_HEADER)
                    && !h.key().equals(REPLAYED_BY_HEADER)) {
                out.headers().add(h);
            }
        }
        out.headers().add(REPLAYED_FROM_HEADER, (dead.topic() + "-" + dead.partition() + "@" + dead.offset())
                .getBytes(StandardCharsets.UTF_8));
        out.headers().add(REPLAYED_BY_HEADER, replayedBy.getBytes(StandardCharsets.UTF_8));
        return out;
    }

    /** Sends the copy and waits for the ack (30 s at most). */
    public Replayed replay(ConsumerRecord<String, byte[]> dead, String replayedBy) {
        ProducerRecord<String, byte[]> out = copyOf(dead, replayedBy);
        try {
            RecordMetadata m = producers.get().send(out).get(30, TimeUnit.SECONDS);
            return new Replayed(m.topic(), m.partition(), m.offset());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReplayFailed("interrupted while sending to " + out.topic(), e);
        } catch (ExecutionException e) {
            throw new ReplayFailed("Kafka refused the record for " + out.topic() + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new ReplayFailed("Kafka did not acknowledge the record for " + out.topic() + " within 30 s", e);
        }
    }
}
