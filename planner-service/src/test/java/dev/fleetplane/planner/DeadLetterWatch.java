package dev.fleetplane.planner;

import dev.fleetplane.events.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Test side: every dead letter on every {@code *.dlq} topic, with the reason and the consumer that wrote it. */
final class DeadLetterWatch implements AutoCloseable {

    record Letter(String topic, String key, String consumer, String reason) {
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final List<Letter> letters = new CopyOnWriteArrayList<>();
    private final Thread thread;

    DeadLetterWatch(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "dead-letter-watch-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        p.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "1000");
        consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(Pattern.compile(".*" + Pattern.quote(Topics.DLQ_SUFFIX)));
        thread = new Thread(this::loop, "dead-letter-watch");
        thread.setDaemon(true);
        thread.start();
        // Wait for the assignment, so that a letter written right after this returns is seen.
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!assigned && System.nanoTime() < end) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private volatile boolean assigned;

    private void loop() {
        try {
            while (true) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    letters.add(new Letter(r.topic(), r.key(), header(r, Topics.DLQ_CONSUMER_HEADER),
                            header(r, Topics.DLQ_REASON_HEADER)));
                }
                if (!consumer.assignment().isEmpty()) {
                    assigned = true;
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close();
        }
    }

    private static String header(ConsumerRecord<String, byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    Letter await(String what, Predicate<Letter> match, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            for (Letter l : letters) {
                if (match.test(l)) {
                    return l;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("timed out waiting for " + what + "; dead letters seen: " + letters);
    }

    @Override
    public void close() throws InterruptedException {
        consumer.wakeup();
        thread.join(5000);
    }
}
