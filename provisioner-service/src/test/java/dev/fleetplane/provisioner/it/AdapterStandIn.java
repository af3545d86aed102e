package dev.fleetplane.provisioner.it;

import dev.fleetplane.events.CloudEventsKafkaCodec;
import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.Topics;
import dev.fleetplane.events.pve.GuestAddress;
import dev.fleetplane.events.pve.GuestAgentUnavailable;
import dev.fleetplane.events.pve.GuestNetworkReported;
import dev.fleetplane.events.pve.QueryGuestNetwork;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Plays the proxmox-adapter's part on the topics: reads QueryGuestNetwork from pve.commands and answers
 * on pve.events with what each host's script says (then with the guest's address once the script is done).
 */
final class AdapterStandIn implements AutoCloseable {

    private static final String SOURCE = "/fleetplane/proxmox-adapter";

    /** One scripted answer. */
    sealed interface Answer {
        record Unavailable(String reason) implements Answer {
        }

        record NoAddressYet() implements Answer {
        }
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaProducer<String, byte[]> producer;
    private final Thread thread;
    private final Map<String, Deque<Answer>> scripts = new ConcurrentHashMap<>();
    private final Map<String, String> addresses = new ConcurrentHashMap<>();
    private final List<FleetEvent> queries = new CopyOnWriteArrayList<>();
    private final List<FleetEvent> answers = new CopyOnWriteArrayList<>();
    private volatile boolean running = true;

    AdapterStandIn(String bootstrap) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "adapter-stand-in-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        consumer.subscribe(List.of(Topics.PVE_COMMANDS));
        thread = new Thread(this::loop, "adapter-stand-in");
        thread.setDaemon(true);
        thread.start();
    }

    /** {@code host}'s guest answers with {@code script} first, then with {@code address}. */
    void script(String host, String address, Answer... script) {
        scripts.put(host, new ArrayDeque<>(List.of(script)));
        addresses.put(host, address);
    }

    List<FleetEvent> queriesFor(String host) {
        return queries.stream().filter(q -> host.equals(q.subject())).toList();
    }

    List<FleetEvent> answersFor(String host) {
        return answers.stream().filter(q -> host.equals(q.subject())).toList();
    }

    private void loop() {
        while (running) {
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                FleetEvent query = CloudEventsKafkaCodec.decode(r.headers(), r.value());
                if (!query.is(EventCatalog.QUERY_GUEST_NETWORK) || !addresses.containsKey(query.subject())) {
                    continue;
                }
                queries.add(query);
                answer(query, query.dataAs(EventCatalog.QUERY_GUEST_NETWORK));
            }
        }
    }

    private void answer(FleetEvent query, QueryGuestNetwork q) {
        String host = query.subject();
        Answer next = scripts.getOrDefault(host, new ArrayDeque<>()).poll();
        FleetEvent reply;
        if (next instanceof Answer.Unavailable u) {
            reply = FleetEvent.causedBy(query, EventCatalog.GUEST_AGENT_UNAVAILABLE, SOURCE, host,
                    new GuestAgentUnavailable(q.node(), q.vmid(), u.reason(), "QEMU guest agent is not running"));
        } else if (next instanceof Answer.NoAddressYet) {
            reply = FleetEvent.causedBy(query, EventCatalog.GUEST_NETWORK_REPORTED, SOURCE, host,
                    new GuestNetworkReported(q.node(), q.vmid(), null, List.of(), "only link-local addresses"));
        } else {
            String ip = addresses.get(host);
            reply = FleetEvent.causedBy(query, EventCatalog.GUEST_NETWORK_REPORTED, SOURCE, host,
                    new GuestNetworkReported(q.node(), q.vmid(), ip,
                            List.of(new GuestAddress("ens18", "bc:24:11:00:00:01", ip, "ipv4", 8)), null));
        }
        answers.add(reply);
        try {
            producer.send(CloudEventsKafkaCodec.toRecord(Topics.PVE_EVENTS, host, reply)).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("stand-in adapter could not answer " + query.id(), e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(5000);
        consumer.close();
        producer.close();
    }
}
