package dev.fleetplane.planner;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fleetplane.events.CloudEventsKafkaCodec;
import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.Json;
import dev.fleetplane.events.Topics;
import dev.fleetplane.events.desired.SpecSubmitted;
import dev.fleetplane.events.pve.VmStarted;
import dev.fleetplane.localstack.quarkus.LocalStackTestResource;
import dev.fleetplane.localstack.quarkus.TestTokens;
import dev.fleetplane.localstack.quarkus.TopicRecorder;
import dev.fleetplane.planner.eventlog.EventLogConsumer;
import dev.fleetplane.planner.spec.SpecIntake;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CloudEvents Kafka binding's structured mode ({@code content-type: application/cloudevents+json}, the whole
 * event as the JSON value, no {@code ce_*} headers) is read exactly like its binary twin (issue #15: it bypassed the
 * intake and the event log dropped it): the log stores it, the planner acts on it, and an invalid one is in the DLQ
 * with the same {@code fleetplane-dlq-*} reason as a binary one.
 */
@QuarkusTest
@QuarkusTestResource(LocalStackTestResource.class)
class StructuredCloudEventsIT {

    static final Duration WAIT = Duration.ofSeconds(30);
    static final String STRUCTURED = "application/cloudevents+json; charset=UTF-8";

    static TopicRecorder recorder;
    static KafkaProducer<String, byte[]> producer;

    @BeforeAll
    static void connect() {
        TestTokens.actAsOperator();
        String bootstrap = LocalStackTestResource.current().kafkaBootstrapServers();
        recorder = new TopicRecorder(bootstrap, List.of(Topics.FLEET_DESIRED, Topics.dlq(Topics.FLEET_DESIRED)));
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void disconnect() throws Exception {
        producer.close(Duration.ofSeconds(5));
        recorder.close();
    }

    /** {@code event} as one structured-mode record: the envelope and its data in the value. */
    static ProducerRecord<String, byte[]> structured(String topic, String key, FleetEvent event) {
        ObjectNode ce = Json.MAPPER.createObjectNode()
                .put("specversion", "1.0").put("id", event.id()).put("source", event.source())
                .put("type", event.type()).put("time", event.time().toString())
                .put("datacontenttype", "application/json");
        if (event.subject() != null) {
            ce.put("subject", event.subject());
        }
        if (event.correlationId() != null) {
            ce.put(CloudEventsKafkaCodec.EXT_CORRELATION, event.correlationId());
        }
        ce.set("data", event.data());
        ProducerRecord<String, byte[]> r = new ProducerRecord<>(topic, key,
                ce.toString().getBytes(StandardCharsets.UTF_8));
        r.headers().add("content-type", STRUCTURED.getBytes(StandardCharsets.UTF_8));
        return r;
    }

    static void send(ProducerRecord<String, byte[]> r) throws Exception {
        producer.send(r).get(10, TimeUnit.SECONDS);
    }

    static void awaitLogged(String host, int n) throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        List<String> ids = List.of();
        while (System.nanoTime() < end) {
            ids = given().when().get("/api/v1/events?host=" + host).then().statusCode(200).extract().jsonPath()
                    .getList("id");
            if (ids.size() >= n) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the event log has only " + ids + " for " + host);
    }

    @Test
    void aStructuredEvent_isLogged_likeItsBinaryTwin() throws Exception {
        String host = "structured-" + shortId();
        FleetEvent binary = FleetEvent.create(EventCatalog.VM_STARTED, FleetPlay.ADAPTER, host,
                new VmStarted("pve", 901, "UPID:binary"), "corr-" + host);
        FleetEvent twin = FleetEvent.create(EventCatalog.VM_STARTED, FleetPlay.ADAPTER, host,
                new VmStarted("pve", 901, "UPID:structured"), "corr-" + host);
        send(CloudEventsKafkaCodec.toRecord(Topics.PVE_EVENTS, host, binary));
        send(structured(Topics.PVE_EVENTS, host, twin));

        awaitLogged(host, 2);
        given().when().get("/api/v1/events?host=" + host).then().statusCode(200)
                .body("[1].id", equalTo(twin.id()))
                .body("[1].type", equalTo(EventCatalog.VM_STARTED.type()))
                .body("[1].topic", equalTo(Topics.PVE_EVENTS))
                .body("[1].correlationId", equalTo("corr-" + host))
                .body("[1].data.upid", equalTo("UPID:structured"));
    }

    @Test
    void aStructuredSpecSubmitted_isAccepted_andLogged() throws Exception {
        String fleet = "structured-spec-" + shortId();
        FleetEvent submitted = FleetEvent.create(EventCatalog.SPEC_SUBMITTED, "/fleetplane/ci", fleet,
                new SpecSubmitted(fleet, null, "{ laptop = { user = \"root\"; }; }", "ci", "r1", false), null);
        send(structured(Topics.FLEET_DESIRED, fleet, submitted));

        FleetEvent accepted = recorder.await("SpecAccepted for the structured SpecSubmitted",
                s -> s.event() != null && s.event().is(EventCatalog.SPEC_ACCEPTED)
                        && fleet.equals(s.event().subject()), WAIT).event();
        assertEquals(submitted.id(), accepted.causationId());
        awaitLogged(fleet, 1);
    }

    @Test
    void anInvalidStructuredEvent_isDeadLettered_withTheSameReasonAsItsBinaryTwin() throws Exception {
        String fleet = "structured-bad-" + shortId();
        ObjectNode wrongShape = Json.MAPPER.createObjectNode().put("schemaVersion", 1).put("fleet", fleet)
                .put("nix", 42).put("dryRun", "maybe");
        FleetEvent bad = new FleetEvent(UUID.randomUUID().toString(), EventCatalog.SPEC_SUBMITTED.type(),
                "/fleetplane/ci", fleet, java.time.OffsetDateTime.now(), null, null, wrongShape);
        FleetEvent badTwin = new FleetEvent(UUID.randomUUID().toString(), bad.type(), bad.source(), fleet, bad.time(),
                null, null, wrongShape);
        send(CloudEventsKafkaCodec.toRecord(Topics.FLEET_DESIRED, fleet, bad));
        send(structured(Topics.FLEET_DESIRED, fleet, badTwin));

        String binaryReason = awaitDeadLetter(fleet, bad.id(), SpecIntake.CONSUMER);
        String structuredReason = awaitDeadLetter(fleet, badTwin.id(), SpecIntake.CONSUMER);
        assertEquals(binaryReason.replace(bad.id(), "ID"), structuredReason.replace(badTwin.id(), "ID"));
        // The event log refuses it the same way (it does not vanish from the audit trail unseen).
        awaitDeadLetter(fleet, badTwin.id(), EventLogConsumer.CONSUMER);
    }

    /** The reason of the DLQ copy of event {@code id} written by {@code consumer}. */
    static String awaitDeadLetter(String key, String id, String consumer) throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, LocalStackTestResource.current().kafkaBootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "structured-it-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            c.subscribe(List.of(Topics.dlq(Topics.FLEET_DESIRED)));
            while (System.nanoTime() < end) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    String value = new String(r.value(), StandardCharsets.UTF_8);
                    String reason = header(r, Topics.DLQ_REASON_HEADER);
                    if (key.equals(r.key()) && consumer.equals(header(r, Topics.DLQ_CONSUMER_HEADER))
                            && reason != null && (value.contains(id) || id.equals(header(r, "ce_id")))) {
                        return reason;
                    }
                }
            }
        }
        throw new AssertionError("no dead letter of " + id + " by " + consumer);
    }

    static String header(ConsumerRecord<String, byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
