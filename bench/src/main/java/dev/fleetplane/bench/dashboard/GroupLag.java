package dev.fleetplane.bench.dashboard;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * A consumer group's lag on one topic (end offset minus committed offset, summed over its partitions), read every
 * {@code everyMillis} on a thread of its own while the bench sends: where the stream's lag piles up, before the event
 * log has stored the events (the group's lag grows) or after (it stays small). Committed offsets trail what the
 * consumer has processed by up to its commit interval, so small values mean little.
 */
final class GroupLag implements AutoCloseable {

    /** One reading: ms since the sampler started, the lag in records. */
    record Reading(long atMillis, long lag) {
    }

    private final Admin admin;
    private final String group;
    private final String topic;
    private final List<Reading> readings = new ArrayList<>();
    private final Thread thread;
    private volatile boolean stopped;

    GroupLag(String bootstrap, String group, String topic, long everyMillis) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        this.admin = Admin.create(p);
        this.group = group;
        this.topic = topic;
        long t0 = System.currentTimeMillis();
        thread = new Thread(() -> {
            while (!stopped) {
                try {
                    long lag = lag();
                    synchronized (readings) {
                        readings.add(new Reading(System.currentTimeMillis() - t0, lag));
                    }
                    Thread.sleep(everyMillis);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    if (!stopped) {
                        System.out.println("group lag not read: " + e);
                    }
                }
            }
        }, "group-lag");
        thread.setDaemon(true);
        thread.start();
    }

    private long lag() throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> ask = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS)
                .get(topic).partitions().stream()
                .collect(Collectors.toMap(p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(ask).all()
                .get(10, TimeUnit.SECONDS);
        long lag = 0;
        for (var e : ends.entrySet()) {
            OffsetAndMetadata c = committed.get(e.getKey());
            lag += e.getValue().offset() - (c == null ? 0 : c.offset());
        }
        return lag;
    }

    /** The readings so far. */
    List<Reading> readings() {
        synchronized (readings) {
            return List.copyOf(readings);
        }
    }

    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
        admin.close();
    }
}
