package dev.fleetplane.messaging;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.events.CloudEventsKafkaCodec;
import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.Topics;
import dev.fleetplane.events.pve.StartVm;
import dev.fleetplane.localstack.quarkus.LocalStackTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * {@link ConsumerPipeline#consumeBatch} against real Kafka and PostgreSQL: a batch with one record whose handler
 * always fails is rolled back whole, then each record is handled alone: the good ones are committed exactly once
 * (one inbox row each), the bad one is dead-lettered after the configured attempts, and so is an unreadable record.
 */
@QuarkusTest
@QuarkusTestResource(LocalStackTestResource.class)
class ConsumerBatchIT {

    private static final String TOPIC = Topics.TEMPLATES_EVENTS;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    BatchRecordingConsumer consumer;

    @Inject
    Database database;

    @Test
    void aFailingRecord_rollsItsBatchBack_thenTheOthersAreCommittedOnce_andItIsDeadLettered() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<FleetEvent> good = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            good.add(start("ok" + i + "-" + run));
        }
        FleetEvent bad = start("fail-" + run);
        String bootstrap = LocalStackTestResource.current().kafkaBootstrapServers();
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("linger.ms", "50");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(),
                new ByteArraySerializer())) {
            // One key, one partition: the records arrive in one poll, the bad one in the middle of them.
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (int i = 0; i < good.size(); i++) {
                if (i == 10) {
                    sent.add(producer.send(CloudEventsKafkaCodec.toRecord(TOPIC, run, bad)));
                    sent.add(producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(TOPIC, run,
                            "not an event".getBytes(StandardCharsets.UTF_8))));
                }
                sent.add(producer.send(CloudEventsKafkaCodec.toRecord(TOPIC, run, good.get(i))));
            }
            for (Future<RecordMetadata> f : sent) {
                f.get(30, TimeUnit.SECONDS);
            }
        }
        List<ConsumerRecord<String, byte[]>> dead = new CopyOnWriteArrayList<>();
        try (KafkaConsumer<String, byte[]> dlq = dlqReader(bootstrap)) {
            await().atMost(WAIT).until(() -> {
                dlq.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (run.equals(r.key())) {
                        dead.add(r);
                    }
                });
                return dead.size() >= 2;
            });
        }
        for (FleetEvent e : good) {
            await().atMost(WAIT).until(() -> handledRows(e) == 1);
        }
        assertEquals(0, handledRows(bad), "the failing event is never recorded as handled");
        assertEquals(2, dead.size(), dead.toString());
        assertTrue(dead.stream().anyMatch(r -> header(r, Topics.DLQ_REASON_HEADER).startsWith("not a CloudEvent")),
                "the unreadable record is dead-lettered");
        assertTrue(dead.stream().anyMatch(r -> header(r, Topics.DLQ_REASON_HEADER)
                .startsWith("handler failed after 3 attempts: java.lang.IllegalStateException: planned failure")),
                "the failing event is dead-lettered after the configured attempts");
        // Once in the rolled-back batch, then 3 attempts alone.
        assertEquals(4, consumer.runs(bad.subject()));
    }

    private int handledRows(FleetEvent e) {
        return database.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT count(*) FROM processed_event WHERE consumer = ? AND event_id = ?")) {
                ps.setString(1, BatchRecordingConsumer.CONSUMER);
                ps.setString(2, e.id());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    private static KafkaConsumer<String, byte[]> dlqReader(String bootstrap) {
        Properties c = new Properties();
        c.put("bootstrap.servers", bootstrap);
        c.put("group.id", "messaging-batch-it-dlq-" + UUID.randomUUID());
        c.put("enable.auto.commit", "false");
        KafkaConsumer<String, byte[]> reader = new KafkaConsumer<>(c, new StringDeserializer(),
                new ByteArrayDeserializer());
        List<TopicPartition> parts = reader.partitionsFor(Topics.dlq(TOPIC)).stream()
                .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
        reader.assign(parts);
        reader.seekToBeginning(parts);
        return reader;
    }

    private static FleetEvent start(String host) {
        return FleetEvent.create(EventCatalog.START_VM, "/fleetplane/messaging-batch-it", host, new StartVm("pve", 901),
                "corr-" + host);
    }

    private static String header(ConsumerRecord<String, byte[]> r, String key) {
        Header h = r.headers().lastHeader(key);
        return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
    }
}
