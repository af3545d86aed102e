package dev.fleetplane.localstack.kafka;

import dev.fleetplane.events.Topics;
import dev.fleetplane.localstack.LoopbackPorts;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A broker of its own with SASL/SCRAM and the ACLs of {@link KafkaAcls} (not the shared stack, which runs without):
 * who gets in, and what each service user may write and read.
 */
class KafkaAuthIT {

    private static Path dir;
    private static KafkaBroker broker;
    private static KafkaAuth auth;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("fleetplane-kafka-auth-");
        auth = KafkaAuth.loadOrCreate(dir.resolve("users"));
        int client = LoopbackPorts.claim("kafka", 0);
        int controller = LoopbackPorts.claim("kafka controller", 0);
        while (controller == client) {
            controller = LoopbackPorts.claim("kafka controller", 0);
        }
        var config = new KafkaBrokerConfig(LoopbackPorts.HOST, client, controller, dir.resolve("data"),
                Uuid.randomUuid().toString(), java.util.Optional.of(auth));
        broker = KafkaBroker.launch(config, dir, ProcessHandle.current().pid(), false);
        broker.awaitReadyAndCreate(Topics.allWithDeadLetters(), Duration.ofSeconds(90));
    }

    @AfterAll
    static void stop() throws Exception {
        if (broker != null) {
            broker.close();
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void passwordsAndBrokerConfig_areReadableByThisUserOnly() throws Exception {
        for (String user : KafkaAuth.users()) {
            assertEquals("rw-------", PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(auth.passwordFile(user))), user);
        }
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("server.properties"))));
        String log = Files.readString(broker.log());
        for (String user : KafkaAuth.users()) {
            assertFalse(log.contains(auth.password(user)), "the broker log shows the password of " + user);
        }
    }

    @Test
    void clientWithoutCredentials_getsNothing() {
        // A plaintext client on the SASL listener: the broker closes every connection before answering anything.
        try (Admin admin = Admin.create(adminConfig(Map.of()))) {
            var e = assertThrows(ExecutionException.class,
                    () -> admin.listTopics().names().get(10, TimeUnit.SECONDS));
            assertInstanceOf(org.apache.kafka.common.errors.TimeoutException.class, e.getCause(), e.toString());
        }
    }

    @Test
    void unknownUser_isRefused_authenticationFailed() {
        var e = assertThrows(ExecutionException.class, () -> listTopicsAs(
                KafkaAuth.clientProperties("mallory", "any-password")));
        assertInstanceOf(SaslAuthenticationException.class, e.getCause(), e.toString());
        assertTrue(e.getCause().getMessage().contains("Authentication failed"), e.getCause().getMessage());
    }

    @Test
    void wrongPassword_isRefused_authenticationFailed() {
        var e = assertThrows(ExecutionException.class, () -> listTopicsAs(
                KafkaAuth.clientProperties("proxmox-adapter", "not-" + auth.password("proxmox-adapter"))));
        assertInstanceOf(SaslAuthenticationException.class, e.getCause(), e.toString());
        assertTrue(e.getCause().getMessage().contains("Authentication failed"), e.getCause().getMessage());
    }

    @Test
    void serviceUser_producesToItsOwnTopic() throws Exception {
        try (var producer = producer("proxmox-adapter")) {
            var sent = producer.send(new ProducerRecord<>(Topics.PVE_EVENTS, "web-1", "{}")).get(30, TimeUnit.SECONDS);
            assertEquals(Topics.PVE_EVENTS, sent.topic());
        }
    }

    @Test
    void provisioningCommands_areWritableByThePlannerOnly() throws Exception {
        for (String user : List.of("proxmox-adapter", "provisioner", "template-builder", "console-gateway")) {
            try (var producer = producer(user)) {
                var e = assertThrows(ExecutionException.class, () -> producer.send(
                        new ProducerRecord<>(Topics.PROVISIONING_COMMANDS, "web-1", "{\"rebuildCommand\":\"id\"}"))
                        .get(30, TimeUnit.SECONDS));
                assertInstanceOf(TopicAuthorizationException.class, e.getCause(), user + ": " + e);
            }
        }
        try (var producer = producer("planner")) {
            producer.send(new ProducerRecord<>(Topics.PROVISIONING_COMMANDS, "web-1", "{}")).get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void commandRoundTrip_plannerToAdapter_andAnotherGroupIsRefused() throws Exception {
        String key = "host-" + UUID.randomUUID();
        try (var producer = producer("planner")) {
            producer.send(new ProducerRecord<>(Topics.PVE_COMMANDS, key, "{\"clone\":true}")).get(30, TimeUnit.SECONDS);
        }
        try (var consumer = consumer("proxmox-adapter", "proxmox-adapter")) {
            consumer.subscribe(List.of(Topics.PVE_COMMANDS));
            var seen = new ArrayList<ConsumerRecord<String, String>>();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (seen.stream().noneMatch(r -> r.key().equals(key)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(seen::add);
            }
            assertTrue(seen.stream().anyMatch(r -> r.key().equals(key)), "the adapter did not read the command");
        }
        try (var consumer = consumer("proxmox-adapter", "planner.desired")) {
            consumer.subscribe(List.of(Topics.PVE_COMMANDS));
            assertThrows(GroupAuthorizationException.class, () -> {
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(500));
                }
            });
        }
        try (var consumer = consumer("proxmox-adapter", "proxmox-adapter")) {
            consumer.subscribe(List.of(Topics.PROVISIONING_COMMANDS));
            assertThrows(TopicAuthorizationException.class, () -> {
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(500));
                }
            });
        }
    }

    private static void listTopicsAs(Map<String, Object> security) throws Exception {
        try (Admin admin = Admin.create(adminConfig(security))) {
            admin.listTopics().names().get(30, TimeUnit.SECONDS);
        }
    }

    private static Map<String, Object> adminConfig(Map<String, Object> security) {
        var p = new HashMap<String, Object>(security);
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);
        return p;
    }

    private static KafkaProducer<String, String> producer(String user) {
        var p = new HashMap<String, Object>(auth.clientProperties(user));
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 20000);
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    private static KafkaConsumer<String, String> consumer(String user, String group) {
        var p = new HashMap<String, Object>(auth.clientProperties(user));
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    }
}
