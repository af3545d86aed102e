package dev.fleetplane.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.events.Topics;
import dev.fleetplane.localstack.Endpoints;
import dev.fleetplane.localstack.LocalStack;
import dev.fleetplane.localstack.LocalStackOptions;
import dev.fleetplane.localstack.shared.SharedStack;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code up --kafka … --jdbc …}: an operator's own Kafka and PostgreSQL (here a local stack's), checked and prepared. */
class ExternalStackIT {

    private static Endpoints stack;
    private static LocalStack own;

    /** The Maven run's shared stack (reset for this JVM) where there is one, else a stack of this class. */
    @BeforeAll
    static void start() {
        stack = SharedStack.configuredDir().map(SharedStack::attach).orElseGet(() -> {
            own = LocalStack.start(LocalStackOptions.defaults());
            return own.endpoints();
        });
    }

    @AfterAll
    static void stop() {
        if (own != null) {
            own.close();
        }
    }

    @Test
    void aMissingTopic_isCreatedWithItsPartitionsAndInfiniteRetention_existingOnesAreLeftAlone() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers()))) {
            admin.deleteTopics(List.of(Topics.PVE_EVENTS)).all().get(30, TimeUnit.SECONDS);
            awaitGone(admin, Topics.PVE_EVENTS);

            List<String> created = ExternalStack.createTopics(stack.kafkaBootstrapServers(), Topics.allWithDeadLetters(),
                    Duration.ofSeconds(30));
            assertEquals(List.of(Topics.PVE_EVENTS), created);
            var spec = Topics.allWithDeadLetters().stream().filter(t -> t.name().equals(Topics.PVE_EVENTS)).findFirst()
                    .orElseThrow();
            assertEquals(spec.partitions(), admin.describeTopics(List.of(Topics.PVE_EVENTS)).allTopicNames()
                    .get(30, TimeUnit.SECONDS).get(Topics.PVE_EVENTS).partitions().size());
            var config = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, Topics.PVE_EVENTS)))
                    .all().get(30, TimeUnit.SECONDS).values().iterator().next();
            assertEquals("-1", config.get("retention.ms").value(), "the audit topic keeps everything");
        }
    }

    @Test
    void theDatabaseAndKafka_areCheckedBeforeAnythingStarts() {
        ExternalStack.prepare(stack, Duration.ofSeconds(30));
        var wrongUser = new Endpoints(stack.kafkaBootstrapServers(), stack.jdbcUrl(), "nobody-here", "x");
        var db = assertThrows(CliException.class, () -> ExternalStack.prepare(wrongUser, Duration.ofSeconds(10)));
        assertTrue(db.getMessage().startsWith("cannot connect to PostgreSQL at " + stack.jdbcUrl() + " as nobody-here"),
                db.getMessage());
        assertFalse(db.getMessage().contains("password=x"));

        var kafka = assertThrows(CliException.class, () -> ExternalStack.createTopics("127.0.0.1:1",
                Topics.allWithDeadLetters(), Duration.ofSeconds(3)));
        assertTrue(kafka.getMessage().startsWith("cannot reach Kafka at 127.0.0.1:1 within 3 s"), kafka.getMessage());
    }

    private static void awaitGone(Admin admin, String topic) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Set<String> names;
        do {
            names = admin.listTopics().names().get(10, TimeUnit.SECONDS);
            if (!names.contains(topic)) {
                return;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        throw new AssertionError(topic + " was not deleted");
    }
}
