package dev.fleetplane.provisioner.it;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.events.CloudEventsKafkaCodec;
import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.Topics;
import dev.fleetplane.events.provisioning.IpResolved;
import dev.fleetplane.events.provisioning.ProvisionHost;
import dev.fleetplane.events.provisioning.ProvisioningFailed;
import dev.fleetplane.events.provisioning.ProvisioningSucceeded;
import dev.fleetplane.events.provisioning.RebuildSucceeded;
import dev.fleetplane.localstack.quarkus.LocalStackTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The provisioner through its topics, against real Kafka and PostgreSQL and a real OpenSSH guest: the
 * test plays the planner (ProvisionHost) and the proxmox-adapter (answers to QueryGuestNetwork).
 */
@QuarkusTest
@QuarkusTestResource(LocalStackTestResource.class)
@QuarkusTestResource(GuestSshdResource.class)
class ProvisionerIT {

    private static final Duration WAIT = Duration.ofSeconds(45);
    private static final String PLANNER = "/fleetplane/planner";
    /** Quotes and && on purpose: the command must reach the guest's shell unchanged. */
    private static final String REBUILD = "nixos-rebuild switch --flake /etc/nixos#{host} && echo 'rebuilt {host} as {user}'";

    private static AdapterStandIn adapter;
    private static KafkaProducer<String, byte[]> producer;
    private static KafkaConsumer<String, byte[]> consumer;
    private static Thread collector;
    private static volatile boolean collecting = true;
    private static final List<FleetEvent> provisioningEvents = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void topics() {
        String bootstrap = LocalStackTestResource.current().kafkaBootstrapServers();
        adapter = new AdapterStandIn(bootstrap);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "provisioner-it-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(Topics.PROVISIONING_EVENTS));
        collector = new Thread(() -> {
            while (collecting) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    provisioningEvents.add(CloudEventsKafkaCodec.decode(r.headers(), r.value()));
                }
            }
            consumer.close();
        }, "provisioning-events-collector");
        collector.start();
    }

    @AfterAll
    static void close() throws InterruptedException {
        collecting = false;
        collector.join(5000);
        adapter.close();
        producer.close();
    }

    @Test
    void provisionHost_resolvesTheIpThroughRetries_rebuildsOverSsh_andSucceeds() throws Exception {
        GuestSshd guest = GuestSshdResource.guest;
        String host = "web-" + suffix();
        adapter.script(host, guest.address(), new AdapterStandIn.Answer.Unavailable("not-running"),
                new AdapterStandIn.Answer.Unavailable("not-running"));

        FleetEvent command = provision(host, 111);

        List<FleetEvent> events = awaitEvents(host, command, 3);
        assertEquals(List.of(EventCatalog.IP_RESOLVED.type(), EventCatalog.REBUILD_SUCCEEDED.type(),
                EventCatalog.PROVISIONING_SUCCEEDED.type()), events.stream().map(FleetEvent::type).toList());
        IpResolved resolved = events.get(0).dataAs(EventCatalog.IP_RESOLVED);
        assertEquals(new IpResolved(host, 111, guest.address(), 3), resolved);
        RebuildSucceeded rebuilt = events.get(1).dataAs(EventCatalog.REBUILD_SUCCEEDED);
        assertEquals("nixos-rebuild switch --flake /etc/nixos#" + host + " && echo 'rebuilt " + host + " as root'",
                rebuilt.command());
        assertEquals(guest.address(), rebuilt.ip());
        assertEquals(50, rebuilt.outputTail().size(), "only the tail of 5000+ lines");
        assertEquals("activating the configuration...", rebuilt.outputTail().get(47));
        assertTrue(rebuilt.outputTail().get(48).startsWith("switched " + host + " to "), rebuilt.outputTail().get(48));
        assertEquals("rebuilt " + host + " as root", rebuilt.outputTail().get(49));
        assertEquals(new ProvisioningSucceeded(host, 111, guest.address()),
                events.get(2).dataAs(EventCatalog.PROVISIONING_SUCCEEDED));
        assertTrue(Files.readSymbolicLink(guest.currentSystem()).toString().contains(host));

        // The story is one: every query and event carries the command's correlation id, each caused by the one before.
        List<FleetEvent> queries = adapter.queriesFor(host);
        assertEquals(3, queries.size());
        assertEquals(command.id(), queries.get(0).causationId());
        List<FleetEvent> answers = adapter.answersFor(host);
        assertEquals(answers.get(0).id(), queries.get(1).causationId());
        assertEquals(answers.get(2).id(), events.get(0).causationId());
        for (FleetEvent e : concat(queries, events)) {
            assertEquals(command.correlationId(), e.correlationId(), e.type());
            assertEquals(host, e.subject());
        }
        given().get("/sagas/" + host).then().statusCode(200)
                .body("state", equalTo("succeeded"), "attempts", equalTo(3), "ip", equalTo(guest.address()));
    }

    @Test
    void failingRebuild_givesProvisioningFailedAtStepRebuildWithTheOutputTail() {
        String host = "broken-" + suffix();
        adapter.script(host, GuestSshdResource.guest.address());

        FleetEvent command = provision(host, 112);

        List<FleetEvent> events = awaitEvents(host, command, 2);
        assertEquals(EventCatalog.IP_RESOLVED.type(), events.get(0).type());
        ProvisioningFailed failed = events.get(1).dataAs(EventCatalog.PROVISIONING_FAILED);
        assertEquals("rebuild", failed.step());
        assertTrue(failed.reason().contains("exited with status 1"), failed.reason());
        assertEquals("error: attribute 'nixosConfigurations." + host + "' missing",
                failed.outputTail().get(failed.outputTail().size() - 1), "the guest's last words, stderr included");
        assertEquals(command.correlationId(), events.get(1).correlationId());
    }

    @Test
    void changedHostKey_isRefusedNamingTheHostAndBothFingerprints() throws Exception {
        GuestSshd guest = GuestSshdResource.guest;
        String host = "pinned-" + suffix();
        adapter.script(host, guest.address());
        FleetEvent first = provision(host, 113);
        assertEquals(EventCatalog.PROVISIONING_SUCCEEDED.type(), awaitEvents(host, first, 3).get(2).type());
        String pinned = guest.hostKeyFingerprint();

        guest.changeHostKey();
        String offered = guest.hostKeyFingerprint();
        FleetEvent second = provision(host, 113);

        List<FleetEvent> events = awaitEvents(host, second, 2);
        ProvisioningFailed failed = events.get(1).dataAs(EventCatalog.PROVISIONING_FAILED);
        assertEquals("ssh", failed.step());
        assertTrue(failed.reason().contains("host key of " + host), failed.reason());
        assertTrue(failed.reason().contains("pinned ssh-ed25519 " + pinned), failed.reason());
        assertTrue(failed.reason().contains("offered ssh-ed25519 " + offered), failed.reason());
        assertTrue(failed.outputTail().isEmpty(), "nothing ran on the guest");
    }

    @Test
    void commandWithShellMetacharactersInTheHostName_isRejectedAtOnce() {
        String host = "evil;reboot-" + suffix();

        FleetEvent command = provision(host, 114);

        ProvisioningFailed failed = awaitEvents(host, command, 1).get(0).dataAs(EventCatalog.PROVISIONING_FAILED);
        assertTrue(failed.reason().contains("host name '" + host + "'"), failed.reason());
        assertTrue(adapter.queriesFor(host).isEmpty(), "the adapter is never asked");
    }

    private static FleetEvent provision(String host, int vmid) {
        FleetEvent command = FleetEvent.create(EventCatalog.PROVISION_HOST, PLANNER, host,
                new ProvisionHost(host, "pve1", vmid, "root", REBUILD),
                "plan-" + suffix());
        try {
            producer.send(CloudEventsKafkaCodec.toRecord(Topics.PROVISIONING_COMMANDS, host, command)).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return command;
    }

    /** The provisioning events of {@code command}'s story, once there are {@code count} of them. */
    private static List<FleetEvent> awaitEvents(String host, FleetEvent command, int count) {
        await().atMost(WAIT).until(() -> story(host, command).size() >= count);
        List<FleetEvent> events = story(host, command);
        assertEquals(count, events.size(), events.toString());
        return events;
    }

    private static List<FleetEvent> story(String host, FleetEvent command) {
        return provisioningEvents.stream()
                .filter(e -> host.equals(e.subject()) && command.correlationId().equals(e.correlationId()))
                .toList();
    }

    private static List<FleetEvent> concat(List<FleetEvent> a, List<FleetEvent> b) {
        List<FleetEvent> out = new java.util.ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
