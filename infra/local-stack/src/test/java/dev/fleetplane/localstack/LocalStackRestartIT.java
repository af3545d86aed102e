package dev.fleetplane.localstack;

import dev.fleetplane.events.Topics;
import dev.fleetplane.localstack.postgres.FleetplaneDatabase;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A broker or a postmaster SIGKILLed under a running stack (throwaway, as {@code up} on the simulator runs it) is
 * started again on its data directory, same ports: the records and rows written before are there, and new ones go in.
 */
class LocalStackRestartIT {

    private static final String TOPIC = Topics.FLEET_DESIRED;
    private LocalStack stack;

    @AfterEach
    void cleanUp() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void killedBrokerAndPostmaster_restartOnTheirDataWithEverythingWrittenBefore() throws Exception {
        stack = LocalStack.start(LocalStackOptions.defaults());
        String bootstrap = stack.kafkaBootstrapServers();
        produce(bootstrap, "before the broker's kill");
        execute("create table kept (note text)", "insert into kept values ('before the postmaster''s kill')");

        long broker = stack.kafkaPid();
        ProcessHandle.of(broker).orElseThrow().destroyForcibly();
        awaitDead(stack::kafkaAlive, "the broker");
        stack.restartKafka();
        assertTrue(stack.kafkaAlive());
        assertNotEquals(broker, stack.kafkaPid());
        assertEquals(bootstrap, stack.kafkaBootstrapServers());
        produce(bootstrap, "after the broker's restart");
        assertEquals(List.of("before the broker's kill", "after the broker's restart"), records(bootstrap));

        // Committed right before the kill: a commit that returned is there after the restart (with
        // synchronous_commit=off the last ones were lost).
        for (int i = 0; i < 20; i++) {
            execute("insert into kept values ('committed " + i + "')");
        }
        long postmaster = stack.postgresPid();
        ProcessHandle.of(postmaster).orElseThrow().destroyForcibly();
        awaitDead(stack::postgresAlive, "the postmaster");
        stack.restartPostgres();
        assertTrue(stack.postgresAlive());
        assertNotEquals(postmaster, stack.postgresPid());
        execute("insert into kept values ('after the restart')");
        List<String> expected = new ArrayList<>(List.of("before the postmaster's kill"));
        for (int i = 0; i < 20; i++) {
            expected.add("committed " + i);
        }
        expected.add("after the restart");
        assertEquals(expected, notes());

        stack.restartKafka(); // both run: nothing happens
        stack.restartPostgres();
        assertEquals(expected, notes());
    }

    private static void awaitDead(java.util.function.BooleanSupplier alive, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (alive.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail(what + " still counts as alive 30 s after its SIGKILL");
            }
            Thread.sleep(100);
        }
        assertFalse(alive.getAsBoolean());
    }

    private void execute(String... sql) throws Exception {
        try (Connection c = FleetplaneDatabase.connect(stack.jdbcUrl(), stack.jdbcUser(), stack.jdbcPassword());
             Statement s = c.createStatement()) {
            for (String statement : sql) {
                s.execute(statement);
            }
        }
    }

    private List<String> notes() throws Exception {
        List<String> notes = new ArrayList<>();
        try (Connection c = FleetplaneDatabase.connect(stack.jdbcUrl(), stack.jdbcUser(), stack.jdbcPassword());
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select note from kept order by ctid")) {
            while (rs.next()) {
                notes.add(rs.getString(1));
            }
        }
        return notes;
    }

    private static void produce(String bootstrap, String value) throws Exception {
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(TOPIC, "fleet", value)).get(30, TimeUnit.SECONDS);
        }
    }

    private static List<String> records(String bootstrap) {
        List<String> values = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(TOPIC).stream()
                    .map(p -> new TopicPartition(TOPIC, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
            }
        }
        return values;
    }
}
