package dev.fleetplane.messaging;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fleetplane.events.CloudEventsKafkaCodec;
import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.Topics;
import dev.fleetplane.events.pve.StartVm;
import dev.fleetplane.localstack.kafka.KafkaAuth;
import dev.fleetplane.localstack.quarkus.LocalStackTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The service's Kafka clients against a broker with SASL/SCRAM and ACLs (an own stack, not the shared one), logged in
 * as the planner's user from {@code fleetplane.kafka.sasl.username} and its password file: the SmallRye channel reads,
 * the pipeline's dead-letter producer writes, the hand-built dead-letter browser and the readiness check connect.
 */
@QuarkusTest
@TestProfile(KafkaAuthPipelineIT.AsPlanner.class)
class KafkaAuthPipelineIT {

    /** The planner's user may read the test topics only in groups named {@code planner.*}. */
    public static class AsPlanner implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "mp.messaging.incoming.test-in.group.id", "planner.messaging-it",
                    "mp.messaging.incoming.batch-in.group.id", "planner.messaging-batch-it");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(LocalStackTestResource.class, Map.of("kafka-user", "planner")));
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }
    }

    private static final String TOPIC = Topics.TEMPLATES_COMMANDS;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    RecordingConsumer consumer;

    @Inject
    DeadLetterBrowser browser;

    @TestHTTPResource("/q/health/ready")
    URI readyUrl;

    @Test
    void anAuthenticatedService_consumes_deadLetters_browses_andIsReady() throws Exception {
        KafkaAuth auth = LocalStackTestResource.currentKafkaAuth().orElseThrow();
        FleetEvent ok = start("ok-" + UUID.randomUUID());
        FleetEvent failing = start("fail-" + UUID.randomUUID());
        try (var producer = new KafkaProducer<>(clientConfig(auth), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(CloudEventsKafkaCodec.toRecord(TOPIC, failing.subject(), failing)).get(30, TimeUnit.SECONDS);
            producer.send(CloudEventsKafkaCodec.toRecord(TOPIC, ok.subject(), ok)).get(30, TimeUnit.SECONDS);
        }

        // The SmallRye channel, logged in through the global kafka.* settings.
        await().atMost(WAIT).until(() -> consumer.committed(ok) == 1);

        // The pipeline's dead-letter producer (KafkaProducerProvider), logged in through KafkaClientSettings.
        var c = clientConfig(auth);
        c.put("group.id", "planner.kafka-auth-it-" + UUID.randomUUID());
        try (var dlq = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer())) {
            var partition = new TopicPartition(Topics.dlq(TOPIC), 0);
            dlq.assign(List.of(partition));
            dlq.seekToBeginning(List.of(partition));
            var seen = new ArrayList<ConsumerRecord<String, byte[]>>();
            await().atMost(WAIT).until(() -> {
                dlq.poll(Duration.ofMillis(200)).forEach(seen::add);
                return seen.stream().anyMatch(r -> failing.subject().equals(r.key()));
            });
        }

        // The hand-built consumer of the dead-letter browser: without the credentials this call times out.
        assertEquals(1, browser.partitions(Topics.dlq(TOPIC)));

        // Quarkus's Kafka readiness check uses the same global settings.
        HttpResponse<String> ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(readyUrl).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ready.statusCode(), ready.body());
    }

    private static Map<String, Object> clientConfig(KafkaAuth auth) {
        var p = new HashMap<String, Object>(auth.clientProperties("planner"));
        p.put("bootstrap.servers", LocalStackTestResource.current().kafkaBootstrapServers());
        p.put("acks", "all");
        return p;
    }

    private static FleetEvent start(String host) {
        return FleetEvent.create(EventCatalog.START_VM, "/fleetplane/messaging-it", host, new StartVm("pve", 901),
                "corr-" + host);
    }
}
