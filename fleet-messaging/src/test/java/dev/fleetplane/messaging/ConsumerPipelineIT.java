package dev.fleetplane.messaging;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetplane.events.CloudEventsKafkaCodec;
import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.Json;
import dev.fleetplane.events.Topics;
import dev.fleetplane.events.pve.StartVm;
import dev.fleetplane.events.pve.VmStarted;
import dev.fleetplane.localstack.quarkus.LocalStackTestResource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The consumer pipeline against a real broker and database: what goes to the DLQ and with which headers, how often a
 * failing handler runs, that a redelivery is skipped, that the consumer goes on, and that its log lines carry the
 * event's story. Topic {@code templates.commands} has one partition, so a later record handled proves an earlier one
 * is done.
 */
@QuarkusTest
@QuarkusTestResource(LocalStackTestResource.class)
class ConsumerPipelineIT {

    private static final String TOPIC = Topics.TEMPLATES_COMMANDS;
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Path LOG_FILE = Path.of("target/messaging-it.log");

    static KafkaProducer<String, byte[]> producer;
    static KafkaConsumer<String, byte[]> dlqReader;
    static final List<ConsumerRecord<String, byte[]>> deadLetters = new CopyOnWriteArrayList<>();

    @Inject
    RecordingConsumer consumer;

    @Inject
    MeterRegistry meters;

    @TestHTTPResource("/q/metrics")
    URI metricsUrl;

    @TestHTTPResource("/q/health/ready")
    URI readyUrl;

    @BeforeAll
    static void connect() {
        String bootstrap = LocalStackTestResource.current().kafkaBootstrapServers();
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("acks", "all");
        producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        Properties c = new Properties();
        c.put("bootstrap.servers", bootstrap);
        c.put("group.id", "messaging-it-dlq-" + UUID.randomUUID());
        c.put("enable.auto.commit", "false");
        dlqReader = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
        TopicPartition dlq = new TopicPartition(Topics.dlq(TOPIC), 0);
        dlqReader.assign(List.of(dlq));
        dlqReader.seekToBeginning(List.of(dlq));
    }

    @AfterAll
    static void disconnect() {
        producer.close();
        dlqReader.close();
    }

    private static void send(ProducerRecord<String, byte[]> record) throws Exception {
        producer.send(record).get(30, TimeUnit.SECONDS);
    }

    private static FleetEvent start(String host) {
        return FleetEvent.create(EventCatalog.START_VM, "/fleetplane/messaging-it", host, new StartVm("pve", 901),
                "corr-" + host);
    }

    private static void send(FleetEvent event) throws Exception {
        send(CloudEventsKafkaCodec.toRecord(TOPIC, event.subject(), event));
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static ConsumerRecord<String, byte[]> awaitDeadLetter(String key) {
        return await().atMost(WAIT).until(() -> {
            dlqReader.poll(Duration.ofMillis(200)).forEach(deadLetters::add);
            return deadLetters.stream().filter(r -> key.equals(r.key())).findFirst();
        }, Optional::isPresent).orElseThrow();
    }

    private static String header(ConsumerRecord<String, byte[]> r, String key) {
        Header h = r.headers().lastHeader(key);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private void awaitCommitted(FleetEvent event) {
        await().atMost(WAIT).until(() -> consumer.committed(event) == 1);
    }

    @Test
    void anUnreadableRecord_goesToTheDlq_withTheHeaderContract_andTheConsumerGoesOn() throws Exception {
        String junk = unique("junk");
        FleetEvent next = start(unique("ok"));
        send(new ProducerRecord<>(TOPIC, junk, "not json".getBytes(StandardCharsets.UTF_8)));
        send(next);

        awaitCommitted(next);
        ConsumerRecord<String, byte[]> dead = awaitDeadLetter(junk);
        assertTrue(header(dead, Topics.DLQ_REASON_HEADER).startsWith("not a CloudEvent"),
                header(dead, Topics.DLQ_REASON_HEADER));
        assertEquals(RecordingConsumer.CONSUMER, header(dead, Topics.DLQ_CONSUMER_HEADER));
        assertTrue(header(dead, Topics.DLQ_ORIGIN_HEADER).matches("templates\\.commands-0@\\d+"),
                header(dead, Topics.DLQ_ORIGIN_HEADER));
        assertEquals("0", header(dead, Topics.DLQ_ATTEMPTS_HEADER));
        assertNotNull(Instant.parse(header(dead, Topics.DLQ_FAILED_AT_HEADER)));
        assertEquals("not json", new String(dead.value(), StandardCharsets.UTF_8));
    }

    @Test
    void aTypeItDoesNotHandle_goesToTheDlq_namingTheTypesItAccepts() throws Exception {
        String host = unique("stray");
        send(CloudEventsKafkaCodec.toRecord(TOPIC, host, FleetEvent.create(EventCatalog.VM_STARTED,
                "/fleetplane/messaging-it", host, new VmStarted("pve", 901, "UPID:x"), null)));

        ConsumerRecord<String, byte[]> dead = awaitDeadLetter(host);
        assertTrue(header(dead, Topics.DLQ_REASON_HEADER).endsWith(
                "is not a type messaging-it handles; expected one of fleetplane.vm.start-requested.v1"),
                header(dead, Topics.DLQ_REASON_HEADER));
        assertEquals("0", header(dead, Topics.DLQ_ATTEMPTS_HEADER));
    }

    @Test
    void aHandlerThatKeepsFailing_isDeadLetteredAfterExactlyTheConfiguredAttempts_andTheNextRecordIsHandled()
            throws Exception {
        FleetEvent failing = start(unique("fail"));
        FleetEvent next = start(unique("ok"));
        send(failing);
        send(next);

        awaitCommitted(next);
        assertEquals(3, consumer.attempts(failing), "fleetplane.consumer.attempts=3");
        assertEquals(0, consumer.committed(failing));
        ConsumerRecord<String, byte[]> dead = awaitDeadLetter(failing.subject());
        assertEquals("3", header(dead, Topics.DLQ_ATTEMPTS_HEADER));
        assertEquals(IllegalStateException.class.getName(), header(dead, Topics.DLQ_EXCEPTION_HEADER));
        assertTrue(header(dead, Topics.DLQ_REASON_HEADER).startsWith("handler failed after 3 attempts:"),
                header(dead, Topics.DLQ_REASON_HEADER));
        assertEquals(failing.id(), header(dead, "ce_id"));
    }

    @Test
    void metrics_countHandledAndDeadLetteredEventsPerType_andPrometheusShowsThemWithTheLagAndTheBacklog()
            throws Exception {
        String startType = EventCatalog.START_VM.type();
        double handledBefore = count("fleetplane.events.handled", "type", startType);
        double failedBefore = count("fleetplane.events.failed", "type", startType, "reason", "failed");
        FleetEvent failing = start(unique("fail"));
        FleetEvent next = start(unique("ok"));
        send(failing);
        send(next);
        awaitCommitted(next);

        assertEquals(handledBefore + 1, count("fleetplane.events.handled", "type", startType));
        assertEquals(failedBefore + 1, count("fleetplane.events.failed", "type", startType, "reason", "failed"));
        // The lag gauge appears once the group committed and the lag loop (every second here) read it.
        String scrape = await().atMost(WAIT).until(() -> get(metricsUrl).body(),
                body -> series(body, "fleetplane_consumer_lag", "group=\"messaging-it\"", "partition=\"0\"",
                        "topic=\"" + TOPIC + "\""));
        assertTrue(series(scrape, "fleetplane_events_handled_total", "consumer=\"messaging-it\"",
                "type=\"" + startType + "\""), scrape);
        assertTrue(series(scrape, "fleetplane_events_failed_total", "consumer=\"messaging-it\"", "reason=\"failed\"",
                "type=\"" + startType + "\""), scrape);
        assertTrue(series(scrape, "fleetplane_outbox_backlog"), scrape);
    }

    @Test
    void readiness_includesKafkaAndPostgreSql() throws Exception {
        HttpResponse<String> ready = get(readyUrl);
        assertEquals(200, ready.statusCode(), ready.body());
        JsonNode checks = Json.MAPPER.readTree(ready.body()).path("checks");
        List<String> up = new java.util.ArrayList<>();
        checks.forEach(c -> {
            if ("UP".equals(c.path("status").asText())) {
                up.add(c.path("name").asText());
            }
        });
        assertTrue(up.contains(DependencyReadiness.KAFKA), ready.body());
        assertTrue(up.contains(DependencyReadiness.POSTGRESQL), ready.body());
    }

    /** Whether the Prometheus text has a sample of {@code name} carrying every label given as {@code key="value"}. */
    static boolean series(String scrape, String name, String... labels) {
        return scrape.lines().filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .anyMatch(l -> java.util.Arrays.stream(labels).allMatch(l::contains));
    }

    private double count(String name, String... tags) {
        io.micrometer.core.instrument.Counter c = meters.find(name).tag("consumer", RecordingConsumer.CONSUMER)
                .tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    private static HttpResponse<String> get(URI url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(url).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aRedelivery_isSkippedBeforeTheHandlerRuns() throws Exception {
        FleetEvent event = start(unique("twice"));
        FleetEvent later = start(unique("later"));
        send(event);
        send(event);
        send(later);

        awaitCommitted(later);
        assertEquals(1, consumer.attempts(event));
        assertEquals(1, consumer.committed(event));
    }

    @Test
    void everyLogLineAboutAnEvent_carriesItsCorrelationId() throws Exception {
        FleetEvent ok = start(unique("story"));
        FleetEvent failing = start(unique("failstory"));
        FleetEvent later = start(unique("later"));
        send(ok);
        send(failing);
        send(later);
        awaitCommitted(later);

        for (FleetEvent e : List.of(ok, failing)) {
            List<String> lines = await().atMost(WAIT).until(() -> linesAbout(e), l -> l.size() >= (e == ok ? 2 : 4));
            for (String line : lines) {
                assertTrue(line.contains("corr=" + e.correlationId()), "no correlation id on: " + line);
                assertTrue(line.contains("host=" + e.subject()), "no host on: " + line);
            }
        }
        assertFalse(linesAbout(ok).stream().anyMatch(l -> l.contains("corr=" + failing.correlationId())));
    }

    /**
     * The lines whose message names the event's host or id (the handler's own, the pipeline's retries, the dead
     * letter); a line about it without the story prefix is found too, and fails the test.
     */
    private static List<String> linesAbout(FleetEvent e) throws IOException {
        return Files.readAllLines(LOG_FILE).stream()
                .filter(l -> l.contains(e.subject() + " ") || l.endsWith(e.subject()) || l.contains(e.id() + " "))
                .toList();
    }
}
