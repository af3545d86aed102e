package dev.fleetplane.localstack.kafka;

import dev.fleetplane.events.Topics.TopicSpec;
import dev.fleetplane.localstack.LocalStackException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** Creates the topics declared in fleet-events on a broker; topics that already exist are left as they are. */
public final class TopicCreator {

    /** Kafka's value for "keep forever": the audit topics are the event log. */
    static final String INFINITE = "-1";

    private TopicCreator() {
    }

    /** A single node holds one replica of everything. */
    public static List<NewTopic> newTopics(List<TopicSpec> specs) {
        return specs.stream()
                .map(spec -> new NewTopic(spec.name(), spec.partitions(), (short) 1)
                        .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG,
                                spec.retention().map(r -> String.valueOf(r.toMillis())).orElse(INFINITE))))
                .toList();
    }

    public static void create(Admin admin, List<TopicSpec> specs, Duration timeout) {
        var results = admin.createTopics(newTopics(specs)).values();
        long deadline = System.nanoTime() + timeout.toNanos();
        for (var entry : results.entrySet()) {
            try {
                entry.getValue().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new LocalStackException("kafka: creating topic " + entry.getKey() + " failed: "
                            + e.getCause().getMessage(), e.getCause());
                }
            } catch (TimeoutException e) {
                throw new LocalStackException("kafka: creating topic " + entry.getKey() + " took longer than "
                        + timeout.toSeconds() + " s", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LocalStackException("kafka: interrupted while creating topic " + entry.getKey(), e);
            }
        }
        awaitLeaders(admin, specs, deadline, timeout);
    }

    /**
     * A created topic is not served at once: the broker's metadata names a leader a moment before its replica
     * manager has made the partition's log, and a producer in between gets NOT_LEADER_OR_FOLLOWER. The log dirs
     * report what the replica manager holds, so waiting until they list every partition keeps first sends clean.
     */
    private static void awaitLeaders(Admin admin, List<TopicSpec> specs, long deadline, Duration timeout) {
        Set<TopicPartition> wanted = specs.stream()
                .flatMap(t -> IntStream.range(0, t.partitions()).mapToObj(p -> new TopicPartition(t.name(), p)))
                .collect(Collectors.toSet());
        Set<TopicPartition> missing = wanted;
        while (System.nanoTime() < deadline) {
            try {
                var nodes = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).stream().map(Node::id).toList();
                Set<TopicPartition> served = new HashSet<>();
                admin.describeLogDirs(nodes).allDescriptions().get(5, TimeUnit.SECONDS).values().forEach(
                        dirs -> dirs.values().forEach(dir -> served.addAll(dir.replicaInfos().keySet())));
                missing = wanted.stream().filter(tp -> !served.contains(tp)).collect(Collectors.toSet());
                if (missing.isEmpty()) {
                    return;
                }
                Thread.sleep(50);
            } catch (ExecutionException | TimeoutException e) {
                // Asked again until the deadline.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LocalStackException("kafka: interrupted while waiting for the topics' partitions", e);
            }
        }
        throw new LocalStackException("kafka: topics created, but within " + timeout.toSeconds() + " s the broker"
                + " did not serve " + missing.size() + " partition(s), e.g. " + missing.iterator().next());
    }
}
