package dev.fleetplane.cli;

import dev.fleetplane.events.Topics;
import dev.fleetplane.events.Topics.TopicSpec;
import dev.fleetplane.localstack.Endpoints;
import dev.fleetplane.localstack.postgres.FleetplaneDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * An operator's own Kafka cluster and PostgreSQL ({@code up --kafka … --jdbc …}): checked before any service starts,
 * and the topics of {@link Topics#allWithDeadLetters()} created where missing, with their partitions and retention
 * (infinite for the audit topics) and the cluster's default replication factor.
 */
final class ExternalStack {

    private ExternalStack() {
    }

    static void prepare(Endpoints e, Duration timeout) {
        checkDatabase(e);
        createTopics(e.kafkaBootstrapServers(), Topics.allWithDeadLetters(), timeout);
    }

    private static void checkDatabase(Endpoints e) {
        try (Connection c = FleetplaneDatabase.connect(e.jdbcUrl(), e.jdbcUser(), e.jdbcPassword())) {
            c.isValid(5);
        } catch (SQLException ex) {
            throw new CliException("cannot connect to PostgreSQL at " + e.jdbcUrl() + " as " + e.jdbcUser() + ": "
                    + ex.getMessage() + " (the database must exist and the user own it or have CREATE on it: each"
                    + " service makes its own schema)");
        }
    }

    static List<String> createTopics(String bootstrap, List<TopicSpec> specs, Duration timeout) {
        List<String> created = new ArrayList<>();
        int api = (int) timeout.toMillis();
        Admin client;
        try {
            client = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    AdminClientConfig.CLIENT_ID_CONFIG, "fleetplane-up",
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, api,
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(api, 10_000)));
        } catch (KafkaException e) {
            throw new CliException("Kafka bootstrap servers '" + bootstrap + "': " + e.getMessage()
                    + (e.getCause() != null ? " (" + e.getCause().getMessage() + ")" : ""));
        }
        try (Admin admin = client) {
            Set<String> existing;
            try {
                existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException ex) {
                throw new CliException("cannot reach Kafka at " + bootstrap + " within " + timeout.toSeconds() + " s: "
                        + (ex.getCause() != null ? ex.getCause().getMessage() : ex.getMessage()));
            }
            List<NewTopic> missing = specs.stream().filter(s -> !existing.contains(s.name()))
                    .map(s -> new NewTopic(s.name(), Optional.of(s.partitions()), Optional.empty())
                            .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG,
                                    s.retention().map(r -> String.valueOf(r.toMillis())).orElse("-1"))))
                    .toList();
            for (var entry : admin.createTopics(missing).values().entrySet()) {
                try {
                    entry.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    created.add(entry.getKey());
                } catch (ExecutionException ex) {
                    if (!(ex.getCause() instanceof TopicExistsException)) {
                        throw new CliException("Kafka at " + bootstrap + ": creating topic " + entry.getKey()
                                + " failed: " + ex.getCause().getMessage());
                    }
                } catch (TimeoutException ex) {
                    throw new CliException("Kafka at " + bootstrap + ": creating topic " + entry.getKey()
                            + " took longer than " + timeout.toSeconds() + " s");
                }
            }
            checkPartitions(admin, bootstrap, specs, timeout);
            return created;
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted while preparing Kafka at " + bootstrap);
        }
    }

    /**
     * Fewer partitions than declared would bound the replicas that can share the work: say so, do not change it.
     * A topic created a moment ago may not be in every broker's metadata yet ({@code UnknownTopicOrPartition}): asked
     * again until the timeout.
     */
    private static void checkPartitions(Admin admin, String bootstrap, List<TopicSpec> specs, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            Map<String, TopicDescription> described = null;
            while (described == null) {
                try {
                    described = admin.describeTopics(specs.stream().map(TopicSpec::name).toList())
                            .allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException ex) {
                    if (!(ex.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                        throw ex;
                    }
                    Thread.sleep(100);
                }
            }
            for (TopicSpec s : specs) {
                TopicDescription d = described.get(s.name());
                if (d != null && d.partitions().size() < s.partitions()) {
                    System.err.println("fleetplane: warning: topic " + s.name() + " on " + bootstrap + " has "
                            + d.partitions().size() + " partitions, fleetplane declares " + s.partitions()
                            + " (fewer replicas can share its work)");
                }
            }
        } catch (ExecutionException | TimeoutException ex) {
            throw new CliException("Kafka at " + bootstrap + ": cannot describe the topics: " + ex.getMessage());
        }
    }
}
