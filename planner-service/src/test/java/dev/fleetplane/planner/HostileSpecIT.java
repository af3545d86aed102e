package dev.fleetplane.planner;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.events.CloudEventsKafkaCodec;
import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.Json;
import dev.fleetplane.events.Topics;
import dev.fleetplane.events.desired.SpecSubmitted;
import dev.fleetplane.localstack.quarkus.TopicRecorder;
import dev.fleetplane.localstack.quarkus.LocalStackTestResource;
import dev.fleetplane.localstack.quarkus.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Specs an outside probe broke the intake with (issue #15): a NUL character (a 500 with PostgreSQL's words), bytes
 * that are not UTF-8 (stored as U+FFFD), a PATCH path of 5,000 segments (a stack overflow), a revision with control
 * characters, and a spec on Kafka larger than REST admits. Each is now a 400 (or a SpecRejected) naming what and
 * where, and nothing is stored.
 */
@QuarkusTest
@QuarkusTestResource(LocalStackTestResource.class)
class HostileSpecIT {

    static final Duration WAIT = Duration.ofSeconds(30);
    static final String GOOD = """
            {"_proxmox": {"host": "h", "node": "pve", "defaultStorage": "local-lvm", "templateVmid": 9003},
             "laptop": {"user": "root"}}""";

    static TopicRecorder recorder;
    static KafkaProducer<String, byte[]> producer;

    @BeforeAll
    static void connect() {
        TestTokens.actAsOperator();
        String bootstrap = LocalStackTestResource.current().kafkaBootstrapServers();
        recorder = new TopicRecorder(bootstrap, List.of(Topics.FLEET_DESIRED));
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(4 * 1024 * 1024));
        producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void disconnect() throws Exception {
        producer.close(Duration.ofSeconds(5));
        recorder.close();
    }

    @Test
    void aNulCharacter_inAValueOrAKey_isA400NamingThePath_neverTheDatabasesWords() {
        String fleet = "nul-" + shortId();
        given().contentType("application/json").queryParam("fleet", fleet)
                .body("{\"laptop\": {\"user\": \"ro\\u0000ot\"}, \"d\\u0000b\": {}}")
                .when().post("/api/v1/specs").then().statusCode(400)
                .body("error", equalTo("spec rejected: 2 problems"))
                .body("details", hasItem("hosts.laptop.user: contains a NUL character (\\u0000) at position 2"))
                .body("details", hasItem("(root): has a key with a NUL character (\\u0000): 'd\\u0000b'"))
                .body(not(containsString("PSQL")));
        given().contentType("text/x-nix").queryParam("fleet", fleet).body("{\n  laptop.user = \"r\u0000\";\n}\n")
                .when().post("/api/v1/specs").then().statusCode(400)
                .body("error", equalTo("hosts.nix contains a NUL character (\\u0000)"))
                .body("details[0]", equalTo("hosts.nix: NUL character at line 2, column 19"));
        given().when().get("/api/v1/specs/latest/content?fleet=" + fleet).then().statusCode(404);
    }

    @Test
    void bytesThatAreNotUtf8_areA400WithTheOffset_notAStoredReplacementCharacter() {
        String fleet = "utf8-" + shortId();
        byte[] body = "{\"laptop\": {\"user\": \"r\u00f6ot\"}}".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        given().contentType("application/json").queryParam("fleet", fleet).body(body)
                .when().post("/api/v1/specs").then().statusCode(400)
                .body("error", equalTo("the body is not UTF-8: invalid byte 0xf6 at offset 22"));
        given().when().get("/api/v1/specs/latest/content?fleet=" + fleet).then().statusCode(404);
    }

    @Test
    void aPatchPathOf5000Segments_isA400_notAStackOverflow_andARevisionWithControlCharacters_isRefused() {
        String fleet = "deep-" + shortId();
        given().contentType("application/json").queryParam("fleet", fleet).body(GOOD)
                .when().post("/api/v1/specs").then().statusCode(202);
        String path = String.join(".", java.util.Collections.nCopies(5000, "a"));
        given().contentType("application/json").queryParam("fleet", fleet)
                .body("{\"set\": {\"" + path + "\": 1}}")
                .when().patch("/api/v1/hosts/laptop").then().statusCode(400)
                .body("details[0]", equalTo("hosts.laptop.a…: is not an attribute path: 5000 segments, at most 31"));
        given().contentType("application/json").queryParam("fleet", fleet)
                .body("{\"set\": {\"user\": \"alice\"}, \"revision\": \"abc\\u0000def\"}")
                .when().patch("/api/v1/hosts/laptop").then().statusCode(400)
                .body("error", equalTo("revision contains a control character (\\u0000) at position 3"));
        given().contentType("application/json").queryParam("fleet", fleet)
                .header("X-Fleetplane-Revision", "a".repeat(300)).body(GOOD)
                .when().post("/api/v1/specs").then().statusCode(400)
                .body("error", equalTo("revision is 300 characters long; at most 200"));
    }

    @Test
    void aSpecOnKafka_largerThanRestAdmits_isRejected_withTheSameBound() throws Exception {
        String fleet = "huge-" + shortId();
        String blob = "a".repeat(2 * 1024 * 1024);
        FleetEvent submitted = FleetEvent.create(EventCatalog.SPEC_SUBMITTED, "/fleetplane/ci", fleet,
                new SpecSubmitted(fleet, Json.MAPPER.readTree("{\"laptop\": {\"user\": \"root\", \"x\": \"" + blob
                        + "\"}}"), null, "ci", "big", false), null);
        producer.send(CloudEventsKafkaCodec.toRecord(Topics.FLEET_DESIRED, fleet, submitted)).get(10, TimeUnit.SECONDS);
        TopicRecorder.Seen rejected = recorder.await("SpecRejected of the 2 MiB spec", s ->
                s.event() != null && EventCatalog.SPEC_REJECTED.type().equals(s.event().type())
                        && submitted.id().equals(s.event().causationId()), WAIT);
        String data = rejected.event().data().toString();
        assertTrue(data.contains("spec is larger than 1048576 bytes (fleetplane.planner.spec.max-bytes)"), data);
        given().when().get("/api/v1/specs/latest/content?fleet=" + fleet).then().statusCode(404);
    }

    static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
