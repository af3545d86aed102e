package dev.fleetplane.localstack;

import dev.fleetplane.events.Topics;
import dev.fleetplane.localstack.postgres.FleetplaneDatabase;
import dev.fleetplane.localstack.postgres.PostgresPasswords;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalStackIT {

    private static LocalStack stack;

    @BeforeAll
    static void start() {
        stack = LocalStack.start(LocalStackOptions.defaults());
        assertTrue(stack.postgresDir().startsWith(stack.workDir()), "a default work dir is reachable by user postgres");
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Test
    @Order(1)
    void addresses_areOnLoopback() {
        assertTrue(stack.kafkaBootstrapServers().matches("127\\.0\\.0\\.1:\\d+"), stack.kafkaBootstrapServers());
        assertTrue(stack.jdbcUrl().matches("jdbc:postgresql://127\\.0\\.0\\.1:\\d+/fleetplane"), stack.jdbcUrl());
    }

    @Test
    @Order(2)
    void recordProducedOnADeclaredTopic_isConsumedBack() throws Exception {
        String key = "host-" + UUID.randomUUID();
        RecordMetadata sent;
        try (var producer = new KafkaProducer<String, String>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, 0), new StringSerializer(), new StringSerializer())) {
            sent = producer.send(new ProducerRecord<>(Topics.FLEET_DESIRED, key, "{\"hosts\":[]}")).get(10, TimeUnit.SECONDS);
        }
        List<ConsumerRecord<String, String>> received = new ArrayList<>();
        try (var consumer = new KafkaConsumer<String, String>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "local-stack-it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(Topics.FLEET_DESIRED));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (received.stream().noneMatch(r -> key.equals(r.key())) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
            }
        }
        var mine = received.stream().filter(r -> key.equals(r.key())).toList();
        assertEquals(1, mine.size(), "records seen: " + received.size());
        assertEquals("{\"hosts\":[]}", mine.get(0).value());
        assertEquals(sent.partition(), mine.get(0).partition());
        assertEquals(sent.offset(), mine.get(0).offset());
    }

    @Test
    @Order(3)
    void declaredTopics_existWithTheirPartitionsAndRetention() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers()))) {
            Set<String> declared = Topics.allWithDeadLetters().stream().map(Topics.TopicSpec::name)
                    .collect(Collectors.toSet());
            Map<String, TopicDescription> described = admin.describeTopics(declared).allTopicNames().get(10, TimeUnit.SECONDS);
            for (var spec : Topics.allWithDeadLetters()) {
                assertEquals(spec.partitions(), described.get(spec.name()).partitions().size(), spec.name());
            }
            var audit = new ConfigResource(ConfigResource.Type.TOPIC, Topics.PVE_EVENTS);
            var dlq = new ConfigResource(ConfigResource.Type.TOPIC, Topics.dlq(Topics.PVE_EVENTS));
            var configs = admin.describeConfigs(List.of(audit, dlq)).all().get(10, TimeUnit.SECONDS);
            assertEquals("-1", configs.get(audit).get("retention.ms").value());
            assertEquals(String.valueOf(Duration.ofDays(30).toMillis()), configs.get(dlq).get("retention.ms").value());
        }
    }

    @Test
    @Order(4)
    void undeclaredTopic_isNotAutoCreated() throws Exception {
        try (var producer = new KafkaProducer<String, String>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers(),
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 2000), new StringSerializer(), new StringSerializer())) {
            var e = assertThrows(ExecutionException.class,
                    () -> producer.send(new ProducerRecord<>("fleet.typo", "k", "v")).get(10, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException
                    || e.getCause() instanceof UnknownTopicOrPartitionException, e.getCause().toString());
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers()))) {
            assertFalse(admin.listTopics().names().get(10, TimeUnit.SECONDS).contains("fleet.typo"));
        }
    }

    @Test
    @Order(5)
    void fleetplaneDatabase_takesSchemasTablesAndRows() throws Exception {
        try (Connection c = DriverManager.getConnection(stack.jdbcUrl(), stack.jdbcUser(), stack.jdbcPassword());
             Statement s = c.createStatement()) {
            s.execute("create schema planner");
            s.execute("create table planner.hosts (name text primary key, vmid int not null)");
            s.execute("insert into planner.hosts values ('web-1', 101), ('web-2', 102)");
            try (ResultSet rs = s.executeQuery("select sum(vmid), current_database(), current_user from planner.hosts")) {
                assertTrue(rs.next());
                assertEquals(203, rs.getInt(1));
                assertEquals("fleetplane", rs.getString(2));
                assertEquals("fleetplane", rs.getString(3));
            }
            try (ResultSet rs = s.executeQuery("show fsync")) {
                assertTrue(rs.next());
                assertEquals("off", rs.getString(1));
            }
        }
    }

    @Test
    @Order(5)
    void postgres_refusesAConnectionWithoutTheGeneratedPassword() throws Exception {
        String adminUrl = stack.jdbcUrl().replace("/fleetplane", "/postgres");
        for (String[] attempt : new String[][] {{stack.jdbcUser(), ""}, {stack.jdbcUser(), "fleetplane"},
                {stack.jdbcUser(), "0" + stack.jdbcPassword()}, {stack.postgresSuperuser(), ""},
                {stack.postgresSuperuser(), "postgres"}}) {
            var e = assertThrows(java.sql.SQLException.class,
                    () -> FleetplaneDatabase.connect(adminUrl, attempt[0], attempt[1]).close(),
                    attempt[0] + " with password '" + attempt[1] + "' got in");
            // 28P01: the server refused the password; 08004: the driver would not send the empty one asked for.
            assertTrue(java.util.Set.of("28P01", "08004").contains(e.getSQLState()), e.getSQLState() + " " + e.getMessage());
        }
        try (Connection c = FleetplaneDatabase.connect(adminUrl, stack.postgresSuperuser(),
                stack.postgresSuperuserPassword()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(*) from pg_hba_file_rules where auth_method <> 'scram-sha-256'")) {
            assertTrue(rs.next());
            assertEquals(0, rs.getInt(1), "every pg_hba.conf rule wants scram-sha-256");
        }
        for (String file : new String[] {PostgresPasswords.SUPERUSER_FILE, PostgresPasswords.FLEETPLANE_FILE}) {
            Path path = stack.postgresDir().resolve(file);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(path)), path.toString());
        }
        assertEquals(stack.postgresSuperuserPassword(),
                Files.readString(stack.postgresDir().resolve(PostgresPasswords.SUPERUSER_FILE)).strip());
    }

    @Test
    @Order(6)
    void topicCreation_isIdempotent() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers()))) {
            dev.fleetplane.localstack.kafka.TopicCreator.create(admin, Topics.allWithDeadLetters(), Duration.ofSeconds(10));
            assertTrue(admin.listTopics().names().get(10, TimeUnit.SECONDS).contains(Topics.CONSOLE_SESSIONS));
        }
    }

    @Test
    @Order(7)
    void close_stopsBothProcessesAndRemovesTheWorkDir() {
        long kafka = stack.kafkaPid();
        long postgres = stack.postgresPid();
        long watchdog = stack.watchdogPid();
        assertTrue(ProcessHandle.of(kafka).map(ProcessHandle::isAlive).orElse(false), "broker runs before close");
        assertTrue(ProcessHandle.of(postgres).map(ProcessHandle::isAlive).orElse(false), "postgres runs before close");

        stack.close();

        assertFalse(ProcessHandle.of(kafka).map(ProcessHandle::isAlive).orElse(false), "broker pid " + kafka);
        assertFalse(ProcessHandle.of(postgres).map(ProcessHandle::isAlive).orElse(false), "postmaster pid " + postgres);
        assertFalse(ProcessHandle.of(watchdog).map(ProcessHandle::isAlive).orElse(false), "watchdog pid " + watchdog);
        assertFalse(Files.exists(stack.workDir()), stack.workDir() + " still exists");
        assertFalse(Files.exists(stack.postgresDir()), stack.postgresDir() + " still exists");
        stack.close(); // idempotent
        var e = assertThrows(Exception.class,
                () -> DriverManager.getConnection(stack.jdbcUrl(), stack.jdbcUser(), stack.jdbcPassword()));
        assertInstanceOf(java.sql.SQLException.class, e);
    }
}
