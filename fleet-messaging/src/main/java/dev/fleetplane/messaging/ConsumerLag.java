package dev.fleetplane.messaging;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The lag of each of this service's consumer groups on each partition, as {@code kafka-consumer-groups --describe}
 * shows it: the partition's end offset minus the group's committed offset. The groups are those of the service's
 * incoming channels ({@code mp.messaging.incoming.*.group.id}); an admin client asks the broker every
 * {@code fleetplane.metrics.lag-interval}, so the figure also shows a group whose consumer is stuck or gone (the
 * consumer's own {@code records-lag} metric would die with it). Published as {@link FleetMetrics#CONSUMER_LAG}.
 */
@ApplicationScoped
public class ConsumerLag {

    private static final Logger LOG = Logger.getLogger(ConsumerLag.class);
    private static final Pattern GROUP_ID = Pattern.compile("mp\\.messaging\\.incoming\\.([^.]+)\\.group\\.id");

    @Inject
    FleetMetrics metrics;

    @Inject
    Config config;

    @Inject
    KafkaClientSettings settings;

    @ConfigProperty(name = "quarkus.application.name", defaultValue = "fleetplane")
    String applicationName;

    /** How often the lag is asked for; 0 turns the lag metric off. */
    @ConfigProperty(name = "fleetplane.metrics.lag-interval", defaultValue = "PT10S")
    Duration interval;

    private final Map<Key, AtomicLong> lags = new ConcurrentHashMap<>();
    private final WorkLoop loop = new WorkLoop("consumer-lag", this::round);
    private Set<String> groups = Set.of();
    private Admin admin;

    /** One gauge's identity. */
    record Key(String group, TopicPartition partition) {
    }

    void start(@Observes StartupEvent ignored) {
        Set<String> named = new TreeSet<>();
        for (String property : groupProperties(config.getPropertyNames())) {
            named.add(config.getValue(property, String.class));
        }
        groups = named;
        if (!groups.isEmpty() && !interval.isZero()) {
            loop.start();
        }
    }

    void stop(@Observes ShutdownEvent ignored) {
        loop.stop(Duration.ofSeconds(5));
        synchronized (this) {
            if (admin != null) {
                admin.close(Duration.ofSeconds(2));
                admin = null;
            }
        }
    }

    /** The properties that name the incoming channels' consumer groups. */
    static Set<String> groupProperties(Iterable<String> propertyNames) {
        Set<String> out = new TreeSet<>();
        for (String name : propertyNames) {
            Matcher m = GROUP_ID.matcher(name);
            if (m.matches()) {
                out.add(name);
            }
        }
        return out;
    }

    /**
     * Lag per partition: end minus committed, never below 0 (a commit can pass an end offset read a moment earlier).
     * A partition the group never committed on is left out: the group has not read it yet, its lag is unknown.
     */
    static Map<TopicPartition, Long> lag(Map<TopicPartition, Long> committed, Map<TopicPartition, Long> end) {
        Map<TopicPartition, Long> out = new HashMap<>();
        committed.forEach((tp, offset) -> {
            Long last = end.get(tp);
            if (last != null) {
                out.put(tp, Math.max(0, last - offset));
            }
        });
        return out;
    }

    private Duration round() {
        for (String group : groups) {
            try {
                measure(group);
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                    return interval;
                }
                // Kafka down or slow: the gauges keep their last values; readiness says Kafka is down.
                LOG.debugf("consumer lag of %s not read: %s", group, e.toString());
            }
        }
        return interval;
    }

    private void measure(String group) throws Exception {
        Admin a = admin();
        Map<TopicPartition, Long> committed = new HashMap<>();
        Map<TopicPartition, OffsetAndMetadata> offsets = a.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS);
        offsets.forEach((tp, om) -> {
            if (om != null) {
                committed.put(tp, om.offset());
            }
        });
        if (committed.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        committed.keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = a.listOffsets(latest).all()
                .get(5, TimeUnit.SECONDS);
        Map<TopicPartition, Long> end = new HashMap<>();
        ends.forEach((tp, info) -> end.put(tp, info.offset()));
        lag(committed, end).forEach((tp, value) -> lags.computeIfAbsent(new Key(group, tp), k -> {
            AtomicLong holder = new AtomicLong();
            metrics.consumerLag(group, tp.topic(), tp.partition(), holder, AtomicLong::get);
            return holder;
        }).set(value));
    }

    private synchronized Admin admin() {
        if (admin == null) {
            admin = KafkaAdmins.create(settings, applicationName + "-lag");
        }
        return admin;
    }
}
