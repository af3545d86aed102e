package dev.fleetplane.messaging;

import dev.fleetplane.events.Topics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.jboss.logging.Logger;

/**
 * Moves a record that cannot be handled to {@code <topic>.dlq}: same key, value and headers, plus the
 * reason, the consumer and the origin, so operators can read why and replay it.
 */
@ApplicationScoped
public class DeadLetters {

    private static final Logger LOG = Logger.getLogger(DeadLetters.class);

    @Inject
    KafkaProducerProvider producers;

    public void send(String consumer, ConsumerRecord<String, byte[]> record, String reason) {
        String dlq = Topics.dlq(record.topic());
        ProducerRecord<String, byte[]> out = new ProducerRecord<>(dlq, null, record.key(), record.value());
        for (Header h : record.headers()) {
            out.headers().add(h);
        }
        out.headers().add(Topics.DLQ_REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8));
        out.headers().add(Topics.DLQ_CONSUMER_HEADER, consumer.getBytes(StandardCharsets.UTF_8));
        String origin = record.topic() + "-" + record.partition() + "@" + record.offset();
        out.headers().add(Topics.DLQ_ORIGIN_HEADER, origin.getBytes(StandardCharsets.UTF_8));
        try {
            producers.get().send(out).get(30, TimeUnit.SECONDS);
            LOG.warnf("dead-lettered %s to %s (consumer %s): %s", origin, dlq, consumer, reason);
        } catch (Exception e) {
            // The consumer goes on either way; losing the copy is logged loudly with where the original is.
            LOG.errorf("could not dead-letter %s to %s: %s (reason was: %s)", origin, dlq, e.getMessage(), reason);
        }
    }
}
