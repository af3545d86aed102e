package dev.fleetplane.localstack.shared;

import dev.fleetplane.events.Topics;
import dev.fleetplane.localstack.LocalStackException;
import dev.fleetplane.localstack.LoopbackPorts;
import dev.fleetplane.localstack.kafka.TopicCreator;
import dev.fleetplane.localstack.postgres.FleetplaneDatabase;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Puts a used stack back into the state of one that has just started: every topic deleted and created again as
 * {@link Topics#allWithDeadLetters()} declares it (records gone, partition offsets from 0), no consumer group left,
 * and the {@code fleetplane} database dropped and created empty (no schema, no Flyway history).
 */
final class StackReset {

    private StackReset() {
    }

    static void reset(Lease lease, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                lease.endpoints().kafkaBootstrapServers(), AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000))) {
            deleteTopics(admin, deadline);
            deleteGroups(admin, deadline);
            TopicCreator.create(admin, Topics.allWithDeadLetters(), remaining(deadline));
        }
        FleetplaneDatabase.recreate(LoopbackPorts.HOST, lease.postgresPort(), lease.postgresSuperuser(),
                lease.postgresSuperuserPassword(), lease.endpoints().jdbcPassword());
    }

    /** Every topic a test could have written to, including any it created itself; Kafka's internal ones stay. */
    private static void deleteTopics(Admin admin, long deadline) {
        Set<String> topics = get(admin.listTopics().names(), deadline, "listing topics");
        if (!topics.isEmpty()) {
            try {
                get(admin.deleteTopics(topics).all(), deadline, "deleting topics");
            } catch (LocalStackException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
        }
        // Created again only once the controller has forgotten them; a create before that finds the old topic.
        while (!get(admin.listTopics().names(), deadline, "listing topics").isEmpty()) {
            pause(deadline, "topics still listed after deletion");
        }
    }

    /**
     * The previous test JVM's consumers have left (Quarkus closes them on stop); a member of a JVM that was killed
     * stays until its session times out, so a group that is not empty yet is asked again until the deadline.
     */
    private static void deleteGroups(Admin admin, long deadline) {
        while (true) {
            @SuppressWarnings("deprecation")
            Set<String> groups = get(admin.listConsumerGroups().all(), deadline, "listing consumer groups").stream()
                    .map(ConsumerGroupListing::groupId).collect(Collectors.toSet());
            if (groups.isEmpty()) {
                return;
            }
            boolean busy = false;
            for (var result : admin.deleteConsumerGroups(groups).deletedGroups().entrySet()) {
                try {
                    result.getValue().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof GroupNotEmptyException) {
                        busy = true;
                    } else if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                        throw new LocalStackException("kafka: deleting consumer group " + result.getKey() + " failed: "
                                + e.getCause().getMessage(), e.getCause());
                    }
                } catch (TimeoutException e) {
                    throw new LocalStackException("kafka: deleting consumer group " + result.getKey() + " timed out", e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new LocalStackException("kafka: interrupted while deleting consumer groups", e);
                }
            }
            if (!busy) {
                return;
            }
            pause(deadline, "a consumer group still has members: " + groups);
        }
    }

    private static <T> T get(org.apache.kafka.common.KafkaFuture<T> future, long deadline, String what) {
        try {
            return future.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw new LocalStackException("kafka: " + what + " failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new LocalStackException("kafka: " + what + " timed out while resetting the shared stack", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalStackException("kafka: interrupted while " + what, e);
        }
    }

    private static void pause(long deadline, String reason) {
        if (System.nanoTime() > deadline) {
            throw new LocalStackException("kafka: resetting the shared stack timed out: " + reason);
        }
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalStackException("kafka: interrupted while resetting the shared stack", e);
        }
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(1_000_000_000L, deadline - System.nanoTime()));
    }
}
