package dev.fleetplane.provisioner.it;

import static org.awaitility.Awaitility.await;

import dev.fleetplane.events.CloudEventsKafkaCodec;
import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.EventKind;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.Topics;
import dev.fleetplane.events.provisioning.ProvisionHost;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
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
 * The provisioner ITs' side of the topics, playing the planner: sends ProvisionHost, collects everything on
 * provisioning.events (decoded, and raw for secret checks), and reads one host's story by correlation id.
 */
final class ProvisioningTopics implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(90);

    private final KafkaProducer<String, byte[]> producer;
    private final Thread collector;
    private volatile boolean collecting = true;
    private final List<FleetEvent> events = new CopyOnWriteArrayList<>();
    private final List<String> raw = new CopyOnWriteArrayList<>();

    ProvisioningTopics(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "provisioner-it-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c, new StringDeserializer(),
                new ByteArrayDeserializer());
        consumer.subscribe(List.of(Topics.PROVISIONING_EVENTS));
        collector = new Thread(() -> {
            try (consumer) {
                while (collecting) {
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                        events.add(CloudEventsKafkaCodec.decode(r.headers(), r.value()));
                        raw.add(new String(r.value(), StandardCharsets.UTF_8));
                    }
                }
            }
        }, "provisioning-events-collector");
        collector.setDaemon(true);
        collector.start();
    }

    /** Sends ProvisionHost for {@code host} as the planner would, admin user {@link SimulatedGuests#ADMIN}. */
    FleetEvent provision(String host, int vmid, boolean newVm, String rebuild) {
        FleetEvent command = FleetEvent.create(EventCatalog.PROVISION_HOST, "/fleetplane/planner", host,
                new ProvisionHost(host, SimulatedGuests.NODE, vmid, SimulatedGuests.ADMIN, rebuild, newVm),
                "plan-" + UUID.randomUUID().toString().substring(0, 8));
        try {
            producer.send(CloudEventsKafkaCodec.toRecord(Topics.PROVISIONING_COMMANDS, host, command))
                    .get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not send ProvisionHost for " + host, e);
        }
        return command;
    }

    /** Waits for the first event of {@code command}'s story that is one of {@code kinds}. */
    FleetEvent awaitFirst(String host, FleetEvent command, EventKind<?>... kinds) {
        await().atMost(WAIT).until(() -> first(host, command, kinds).isPresent());
        return first(host, command, kinds).orElseThrow();
    }

    /** The end of a provisioning: ProvisioningSucceeded or ProvisioningFailed. */
    FleetEvent awaitEnd(String host, FleetEvent command) {
        return awaitFirst(host, command, EventCatalog.PROVISIONING_SUCCEEDED, EventCatalog.PROVISIONING_FAILED);
    }

    <T> List<T> all(String host, FleetEvent command, EventKind<T> kind) {
        return story(host, command).stream().filter(e -> e.is(kind)).map(e -> e.dataAs(kind)).toList();
    }

    List<FleetEvent> story(String host, FleetEvent command) {
        return events.stream().filter(e -> host.equals(e.subject())
                && command.correlationId().equals(e.correlationId())).toList();
    }

    /** Every record value seen, as text (to prove a secret never reached an event). */
    List<String> raw() {
        return List.copyOf(raw);
    }

    private Optional<FleetEvent> first(String host, FleetEvent command, EventKind<?>... kinds) {
        return story(host, command).stream().filter(e -> Arrays.stream(kinds).anyMatch(e::is)).findFirst();
    }

    @Override
    public void close() throws InterruptedException {
        collecting = false;
        collector.join(5000);
        producer.close();
    }
}
