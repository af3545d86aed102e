package dev.fleetplane.provisioner.it;

import static org.awaitility.Awaitility.await;

import dev.fleetplane.events.CloudEventsKafkaCodec;
import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.EventKind;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.Topics;
import dev.fleetplane.events.provisioning.ProvisionHost;
import dev.fleetplane.localstack.quarkus.TopicRecorder;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The provisioner ITs' side of the topics, playing the planner: sends ProvisionHost, collects everything on
 * provisioning.events (decoded, and raw for secret checks), and reads one host's story by correlation id.
 */
final class ProvisioningTopics implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(90);

    private final KafkaProducer<String, byte[]> producer;
    private final TopicRecorder recorder;

    ProvisioningTopics(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        recorder = new TopicRecorder(bootstrap, List.of(Topics.PROVISIONING_EVENTS));
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
        return recorder.events().stream().filter(e -> host.equals(e.subject())
                && command.correlationId().equals(e.correlationId())).toList();
    }

    /** Every record value seen, as text (to prove a secret never reached an event). */
    List<String> raw() {
        return recorder.all().stream().map(TopicRecorder.Seen::value).toList();
    }

    private Optional<FleetEvent> first(String host, FleetEvent command, EventKind<?>... kinds) {
        return story(host, command).stream().filter(e -> Arrays.stream(kinds).anyMatch(e::is)).findFirst();
    }

    @Override
    public void close() throws InterruptedException {
        recorder.close();
        producer.close();
    }
}
