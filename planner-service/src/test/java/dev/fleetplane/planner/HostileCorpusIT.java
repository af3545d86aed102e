package dev.fleetplane.planner;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fleetplane.events.Topics;
import dev.fleetplane.localstack.corpus.HostileCorpus;
import dev.fleetplane.localstack.quarkus.LocalStackTestResource;
import dev.fleetplane.localstack.quarkus.TestTokens;
import dev.fleetplane.planner.eventlog.EventLogConsumer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The planner's part of the hostile-input corpus ({@code hostile-corpus/}, see its README): every spec and hosts.nix
 * file (POST /api/v1/specs), every REST body of the other endpoints, and every Kafka record, each against the running
 * planner with the local stack's Kafka and PostgreSQL. Each answer is the expected one, never a 500, and carries no
 * stack trace, no database words and no token.
 */
@QuarkusTest
@QuarkusTestResource(LocalStackTestResource.class)
class HostileCorpusIT {

    static final Duration WAIT = Duration.ofSeconds(30);
    static final List<String> SECRETS = List.of(TestTokens.OPERATOR, TestTokens.VIEWER, TestTokens.CI,
            TestTokens.CONSOLE, TestTokens.VIEWER_WEB, TestTokens.EXPIRED);
    static final String RUN = UUID.randomUUID().toString().substring(0, 6);

    static KafkaProducer<String, byte[]> producer;
    static DeadLetterWatch deadLetters;

    @BeforeAll
    static void connect() {
        String bootstrap = LocalStackTestResource.current().kafkaBootstrapServers();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(2 * 1024 * 1024));
        producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        deadLetters = new DeadLetterWatch(bootstrap);
    }

    @AfterAll
    static void disconnect() throws Exception {
        producer.close(Duration.ofSeconds(5));
        deadLetters.close();
    }

    // ---- specs: POST /api/v1/specs, JSON and Nix ----

    @TestFactory
    Stream<DynamicTest> specs() {
        List<HostileCorpus.Case> cases = HostileCorpus.of("specs");
        HostileCorpus.printCount("specs", cases.size());
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            String fleet = "c" + RUN + "-" + c.name().replaceAll("[^a-zA-Z0-9_.-]", "-");
            String type = c.extension().equals("nix") ? "text/x-nix" : "application/json";
            Response r = given().header("Authorization", TestTokens.bearer(TestTokens.OPERATOR))
                    .contentType(type + "; charset=UTF-8")
                    .queryParam("fleet", fleet.substring(0, Math.min(63, fleet.length())))
                    .body(c.bytes()).when().post("/api/v1/specs");
            checkAnswer(c, r, Map.of("FLEET", fleet));
        }));
    }

    // ---- REST bodies of the other endpoints ----

    @TestFactory
    Stream<DynamicTest> rest() {
        List<HostileCorpus.Case> cases = HostileCorpus.of("rest");
        HostileCorpus.printCount("rest", cases.size());
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            Map<String, String> values = Map.of("RUN", RUN, "FLEET", "c" + RUN + "-" + c.name());
            RequestSpecification req = given().header("Authorization", authorization(c.expect("token", "operator")));
            String type = c.expect("content-type", "application/json");
            if (!type.equals("none")) {
                req.contentType(type);
            }
            for (String key : c.expect().stringPropertyNames()) {
                if (key.startsWith("header.")) {
                    req.header(key.substring("header.".length()), HostileCorpus.fill(c.expect(key), values));
                }
            }
            byte[] body = c.bytes();
            String path = HostileCorpus.fill(c.expect("path"), values);
            if (c.expect("status").equals("413")) {
                tooLarge(c, path, body);
                return;
            }
            if (body.length > 0) {
                req.body(body);
            }
            Response r = req.when().request(c.expect("method", "POST"), path);
            checkAnswer(c, r, values);
        }));
    }

    static String authorization(String token) {
        return switch (token) {
            case "operator" -> TestTokens.bearer(TestTokens.OPERATOR);
            case "viewer" -> TestTokens.bearer(TestTokens.VIEWER);
            case "ci" -> TestTokens.bearer(TestTokens.CI);
            case "expired" -> TestTokens.bearer(TestTokens.EXPIRED);
            case "none" -> "";
            case "bogus" -> TestTokens.bearer("not-a-token-" + RUN);
            default -> token;
        };
    }

    /**
     * A body over the server's limit is refused before it is read: sent with {@code Expect: 100-continue}, as a client
     * that sends large bodies should, the 413 comes instead of the go-ahead (a client that just streams it gets the
     * 413 and a closed connection, a broken pipe on its side).
     */
    static void tooLarge(HostileCorpus.Case c, String path, byte[] body) throws Exception {
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://localhost:" + io.restassured.RestAssured.port + path))
                .expectContinue(true).header("Content-Type", "application/json")
                .header("Authorization", authorization(c.expect("token", "operator")))
                .method(c.expect("method", "POST"), java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)).build();
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        java.net.http.HttpResponse<String> r = http.send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(413, r.statusCode(), c + ": " + HostileCorpus.cut(r.body()));
        HostileCorpus.assertNoLeak(c, r.body(), SECRETS);
    }

    static void checkAnswer(HostileCorpus.Case c, Response r, Map<String, String> values) {
        String body = r.asString();
        if (r.statusCode() >= 500 && r.statusCode() != 503 && r.statusCode() != 504) {
            throw new AssertionError(c + ": a " + r.statusCode() + ": " + HostileCorpus.cut(body));
        }
        assertEquals(Integer.parseInt(c.expect("status")), r.statusCode(), c + ": " + HostileCorpus.cut(body));
        HostileCorpus.assertNoLeak(c, body, SECRETS);
        String error = c.expect("error", null);
        if (error != null) {
            HostileCorpus.assertContains(c, "the answer", body, HostileCorpus.fill(error, values));
        }
    }

    // ---- Kafka records: the event log stores each readable event, dead-letters the rest with a reason ----

    @TestFactory
    Stream<DynamicTest> kafka() {
        List<HostileCorpus.Case> cases = HostileCorpus.of("kafka");
        HostileCorpus.printCount("kafka", cases.size());
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            String id = UUID.randomUUID().toString();
            String key = "k" + RUN + "-" + c.name();
            Map<String, String> values = Map.of("ID", id, "KEY", key, "RUN", RUN);
            String topic = c.expect("topic", Topics.PVE_EVENTS);
            byte[] value = HostileCorpus.fill(c.latin1(), values).getBytes(StandardCharsets.ISO_8859_1);
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key,
                    c.expect("value", "").equals("null") ? null : value);
            for (String name : c.expect().stringPropertyNames().stream().sorted().toList()) {
                if (name.startsWith("header.")) {
                    record.headers().add(name.substring("header.".length()),
                            HostileCorpus.fill(c.expect(name), values).getBytes(StandardCharsets.UTF_8));
                }
            }
            producer.send(record).get(10, TimeUnit.SECONDS);
            String outcome = c.expect("outcome");
            if (outcome.equals("logged")) {
                awaitLogged(c, key, id);
            } else if (outcome.equals("dlq")) {
                String consumer = c.expect("consumer", EventLogConsumer.CONSUMER);
                DeadLetterWatch.Letter dead = deadLetters.await(c + " in " + Topics.dlq(topic),
                        l -> l.topic().equals(Topics.dlq(topic)) && key.equals(l.key())
                                && consumer.equals(l.consumer()), WAIT);
                HostileCorpus.assertContains(c, "the DLQ reason", dead.reason(), c.expect("reason"));
                for (String secret : SECRETS) {
                    if (dead.reason().contains(secret)) {
                        throw new AssertionError(c + ": the DLQ reason carries a token");
                    }
                }
            } else {
                throw new IllegalStateException(c + ": outcome must be logged or dlq, got " + outcome);
            }
        }));
    }

    /** Every corpus record carries its key as the correlation id: found so even without a subject. */
    static void awaitLogged(HostileCorpus.Case c, String key, String id) throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        List<String> ids = List.of();
        while (System.nanoTime() < end) {
            Response r = given().header("Authorization", TestTokens.bearer(TestTokens.OPERATOR))
                    .queryParam("correlationId", key).when().get("/api/v1/events");
            r.then().statusCode(200);
            ids = r.jsonPath().getList("id");
            if (ids.contains(id)) {
                HostileCorpus.assertNoLeak(c, r.asString(), SECRETS);
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(c + ": the event log has " + ids + " for " + key + ", not " + id);
    }
}
