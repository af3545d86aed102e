package dev.fleetplane.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jboss.logging.Logger;

/**
 * The only writer of {@code <topic>.dlq}: sends the copy a {@link DeadLetter} describes, so operators can read why
 * and replay it.
 */
@ApplicationScoped
public class DeadLetters {

    private static final Logger LOG = Logger.getLogger(DeadLetters.class);

    @Inject
    KafkaProducerProvider producers;

    public void send(DeadLetter letter, ConsumerRecord<String, byte[]> record) {
        ProducerRecord<String, byte[]> out = letter.copyOf(record);
        String origin = DeadLetter.origin(record);
        try {
            producers.get().send(out).get(30, TimeUnit.SECONDS);
            LOG.warnf("dead-lettered %s to %s (consumer %s): %s", origin, out.topic(), letter.consumer(),
                    letter.reason());
        } catch (Exception e) {
            // The consumer goes on either way; losing the copy is logged loudly with where the original is.
            LOG.errorf("could not dead-letter %s to %s: %s (reason was: %s)", origin, out.topic(), e.getMessage(),
                    letter.reason());
        }
    }
}
