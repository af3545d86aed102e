package dev.fleetplane.messaging;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The one idempotent Kafka producer of a service, shared by the outbox relay and the dead-letter writer.
 * It is created lazily so a service that never publishes never connects.
 */
@ApplicationScoped
public class KafkaProducerProvider {

    @Inject
    KafkaClientSettings settings;

    @ConfigProperty(name = "quarkus.application.name", defaultValue = "fleetplane")
    String applicationName;

    private KafkaProducer<String, byte[]> producer;

    public synchronized KafkaProducer<String, byte[]> get() {
        if (producer == null) {
            Properties p = settings.base(applicationName + "-producer");
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            p.put(ProducerConfig.LINGER_MS_CONFIG, "1");
            p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
            p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
            // JSON events compress well (an inventory of 1,000 VMs is ~400 KB raw); the limit leaves room for
            // fleets of thousands (the broker's message.max.bytes must allow it too: the local stack sets 8 MiB).
            p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");
            p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(8 << 20));
            producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    @PreDestroy
    synchronized void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
        }
    }
}
