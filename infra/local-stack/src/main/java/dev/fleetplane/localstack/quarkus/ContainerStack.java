package dev.fleetplane.localstack.quarkus;

import dev.fleetplane.events.Topics;
import dev.fleetplane.localstack.Endpoints;
import dev.fleetplane.localstack.kafka.TopicCreator;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

import java.time.Duration;
import java.util.Map;

/**
 * Kafka and PostgreSQL from Testcontainers, for machines with a Docker engine whose tests ask for it with
 * {@code -Dfleetplane.testcontainers=true}. Only this class touches Testcontainers, so the dependency is needed only
 * there.
 */
final class ContainerStack implements AutoCloseable {

    static final String KAFKA_IMAGE = "apache/kafka-native:4.1.2";
    static final String POSTGRES_IMAGE = "postgres:15-alpine";

    private final KafkaContainer kafka;
    private final PostgreSQLContainer postgres;

    private ContainerStack(KafkaContainer kafka, PostgreSQLContainer postgres) {
        this.kafka = kafka;
        this.postgres = postgres;
    }

    /** Call only when {@link LocalStackTestResource} has seen the Testcontainers jars. */
    static boolean dockerAvailable() {
        return DockerClientFactory.instance().isDockerAvailable();
    }

    static ContainerStack start() {
        var kafka = new KafkaContainer(KAFKA_IMAGE)
                .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
                .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0");
        var postgres = new PostgreSQLContainer(POSTGRES_IMAGE)
                .withDatabaseName("fleetplane")
                .withUsername("fleetplane")
                .withPassword("fleetplane");
        try {
            kafka.start();
            postgres.start();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBootstrapServers()))) {
                TopicCreator.create(admin, Topics.allWithDeadLetters(), Duration.ofSeconds(30));
            }
            return new ContainerStack(kafka, postgres);
        } catch (RuntimeException e) {
            postgres.stop();
            kafka.stop();
            throw e;
        }
    }

    Endpoints endpoints() {
        return new Endpoints(kafka.getBootstrapServers(), postgres.getJdbcUrl(), postgres.getUsername(),
                postgres.getPassword());
    }

    @Override
    public void close() {
        postgres.stop();
        kafka.stop();
    }
}
