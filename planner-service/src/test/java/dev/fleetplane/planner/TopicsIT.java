package dev.fleetplane.planner;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.Topics;
import dev.fleetplane.events.pve.VmStarted;
import dev.fleetplane.localstack.quarkus.LocalStackTestResource;
import dev.fleetplane.localstack.quarkus.TestTokens;
import dev.fleetplane.messaging.DeadLetterReplay;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
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
 * The dashboard's topics against the real broker: offsets of the fleet topics, a consumer group's lag, a garbage
 * record dead-lettered by the planner's own pipeline and shown with its reason, its replay (once, by an operator
 * only), the history's rates, and the 400s of bad input.
 */
@QuarkusTest
@QuarkusTestResource(LocalStackTestResource.class)
class TopicsIT {

    static FleetPlay play;
    static KafkaProducer<String, byte[]> producer;
    static String bootstrap;

    @BeforeAll
    static void connect() {
        TestTokens.actAsOperator();
        play = new FleetPlay();
        bootstrap = LocalStackTestResource.current().kafkaBootstrapServers();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void disconnect() throws Exception {
        producer.close();
        play.close();
    }

    static JsonPath topics() {
        return given().when().get("/api/v1/topics").then().statusCode(200).extract().jsonPath();
    }

    static long endOf(JsonPath topics, String topic) {
        List<Integer> ends = topics.getList("topics.find { it.name == '" + topic + "' }.partitions.end");
        return ends.stream().mapToLong(Integer::longValue).sum();
    }

    /** Polls {@code read} until {@code done} holds, with a deadline. */
    static <T> T await(String what, java.util.function.Supplier<T> read, Predicate<T> done) throws InterruptedException {
        long end = System.nanoTime() + FleetPlay.WAIT.toNanos();
        T last = null;
        while (System.nanoTime() < end) {
            last = read.get();
            if (done.test(last)) {
                return last;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(what + " did not happen within " + FleetPlay.WAIT + "; last seen: " + last);
    }

    @Test
    void theFleetTopics_andTheirDeadLetterTopics_areListed_withEndOffsetsThatMove() throws Exception {
        JsonPath before = topics();
        assertNotNull(before.getString("sampledAt"));
        List<String> names = before.getList("topics.name");
        for (Topics.TopicSpec t : Topics.allWithDeadLetters()) {
            assertTrue(names.contains(t.name()), t.name() + " in " + names);
        }
        assertEquals(6, before.getList("topics.find { it.name == 'pve.events' }.partitions").size());
        assertEquals(true, before.getBoolean("topics.find { it.name == 'pve.events.dlq' }.dlq"));
        long was = endOf(before, Topics.PVE_EVENTS);

        String host = "topics-" + UUID.randomUUID().toString().substring(0, 8);
        play.pve(host, FleetEvent.create(EventCatalog.VM_STARTED, FleetPlay.ADAPTER, host,
                new VmStarted("pve", 931, "UPID:" + host), "topics-it"));

        JsonPath after = await("pve.events' end offsets to move", TopicsIT::topics,
                t -> endOf(t, Topics.PVE_EVENTS) > was);
        assertTrue(after.getLong("topics.find { it.name == 'pve.events' }.messages") >= 1);
        assertNotNull(after.get("deadLetters.byTopic"));
    }

    @Test
    void aGroupBehindTheEnd_showsItsLag_perPartition() throws Exception {
        String host = "lag-" + UUID.randomUUID().toString().substring(0, 8);
        String group = "topics-it-" + UUID.randomUUID();
        RecordMetadata sent = producer.send(new ProducerRecord<>(Topics.TEMPLATES_EVENTS, host,
                "{\"not\": \"an event\"}".getBytes(StandardCharsets.UTF_8))).get(10, TimeUnit.SECONDS);
        TopicPartition tp = new TopicPartition(sent.topic(), sent.partition());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.alterConsumerGroupOffsets(group, Map.of(tp, new OffsetAndMetadata(sent.offset())))
                    .all().get(10, TimeUnit.SECONDS);
            String row = "groups.find { it.group == '" + group + "' }";
            JsonPath t = await(group + " in the groups", TopicsIT::topics, j -> j.get(row) != null);
            String part = row + ".partitions.find { it.topic == '" + tp.topic() + "' && it.partition == "
                    + tp.partition() + " }";
            assertEquals(sent.offset(), t.getLong(part + ".committed"));
            assertTrue(t.getLong(part + ".end") > sent.offset());
            assertEquals(t.getLong(part + ".end") - sent.offset(), t.getLong(part + ".lag"));
            assertTrue(t.getLong(row + ".lag") >= 1, "at least the record sent after the commit");
            // the planner's own groups are there too
            assertTrue(t.getList("groups.group").contains("planner.event-log"), t.getList("groups.group").toString());
        } finally {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                admin.deleteConsumerGroups(List.of(group)).all().get(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void theHistory_hasSamples_andTheTopicsARate() throws Exception {
        JsonPath h = await("two samples", () -> given().when().get("/api/v1/topics/history").then().statusCode(200)
                .extract().jsonPath(), j -> j.getList("samples").size() >= 2);
        assertEquals(1.0, h.getDouble("intervalSeconds"));
        assertNotNull(h.getString("samples[0].time"));
        assertTrue(h.getDouble("samples[1].eventsPerSecond") >= 0);
        assertTrue(h.getLong("samples[1].deadLetters") >= 0);
        assertNotNull(topics().get("topics.find { it.name == 'pve.events' }.ratePerSecond"));
    }

    @Test
    void anUnreadableRecord_isDeadLettered_shownWithItsReason_andReplayedOnce_byAnOperatorOnly() throws Exception {
        String host = "garbage-" + UUID.randomUUID().toString().substring(0, 8);
        byte[] garbage = ("garbage " + host + "\u0000\u001b[2J").getBytes(StandardCharsets.UTF_8);
        RecordMetadata sent = producer.send(new ProducerRecord<>(Topics.PVE_EVENTS, host, garbage))
                .get(10, TimeUnit.SECONDS);

        String mine = "find { it.key == '" + host + "' && it.consumer == 'planner' }";
        JsonPath list = await("the dead letter of " + host, () -> given().when()
                .get("/api/v1/dead-letters?topic=pve.events.dlq&limit=200").then().statusCode(200).extract().jsonPath(),
                j -> j.get(mine) != null);
        assertEquals("pve.events.dlq", list.getString(mine + ".topic"));
        assertTrue(list.getString(mine + ".reason").startsWith("not a CloudEvent"), list.getString(mine + ".reason"));
        assertEquals(Topics.PVE_EVENTS + "-" + sent.partition() + "@" + sent.offset(), list.getString(mine + ".origin"));
        assertEquals(0, list.getInt(mine + ".attempts"));
        assertEquals("garbage " + host + "\uFFFD\uFFFD[2J", list.getString(mine + ".preview"), "control characters replaced");
        assertNotNull(list.getString(mine + ".failedAt"));
        assertEquals(null, list.getString(mine + ".replayedBy"));
        long offset = list.getLong(mine + ".offset");
        int partition = list.getInt(mine + ".partition");
        String replay = "/api/v1/dead-letters/pve.events.dlq/" + partition + "/" + offset + "/replay";

        // a viewer sees it, but may not replay it
        given().header("Authorization", TestTokens.bearer(TestTokens.VIEWER)).when()
                .get("/api/v1/dead-letters?limit=5").then().statusCode(200);
        given().header("Authorization", TestTokens.bearer(TestTokens.VIEWER)).when().post(replay).then()
                .statusCode(403).body("error", containsString("needs role operator"));

        JsonPath replayed = given().when().post(replay).then().statusCode(202).extract().jsonPath();
        assertEquals(Topics.PVE_EVENTS, replayed.getString("replayedTo"));
        ConsumerRecord<String, byte[]> back = read(new TopicPartition(Topics.PVE_EVENTS, replayed.getInt("partition")),
                replayed.getLong("offset"));
        assertEquals(host, back.key());
        assertEquals(new String(garbage, StandardCharsets.UTF_8), new String(back.value(), StandardCharsets.UTF_8));
        assertEquals("pve.events.dlq-" + partition + "@" + offset, header(back, DeadLetterReplay.REPLAYED_FROM_HEADER));
        assertEquals("it-operator", header(back, DeadLetterReplay.REPLAYED_BY_HEADER));
        assertEquals(null, header(back, Topics.DLQ_REASON_HEADER), "the dead-letter headers are not sent back");

        given().when().post(replay).then().statusCode(409)
                .body("error", containsString("already replayed by it-operator at "));
        String at = "find { it.offset == " + offset + " && it.partition == " + partition + " }";
        JsonPath again = given().when().get("/api/v1/dead-letters?topic=pve.events.dlq&limit=200").then()
                .statusCode(200).extract().jsonPath();
        assertEquals("it-operator", again.getString(at + ".replayedBy"));
        assertNotNull(again.getString(at + ".replayedAt"));
    }

    @Test
    void badInput_gets400or404_namingWhatIsWrong() {
        given().when().post("/api/v1/dead-letters/pve.events/0/0/replay").then().statusCode(400)
                .body("error", containsString("the dead-letter topics are fleet.desired.dlq"));
        given().when().get("/api/v1/dead-letters?topic=nope").then().statusCode(400)
                .body("error", containsString("'nope' is not a dead-letter topic"));
        given().when().get("/api/v1/dead-letters?limit=201").then().statusCode(400)
                .body("error", containsString("limit must be between 1 and 200"));
        given().when().post("/api/v1/dead-letters/pve.events.dlq/x/0/replay").then().statusCode(400)
                .body("error", containsString("partition must be a whole number"));
        given().when().post("/api/v1/dead-letters/pve.events.dlq/0/-1/replay").then().statusCode(400)
                .body("error", containsString("offset must be between 0"));
        given().when().post("/api/v1/dead-letters/pve.events.dlq/7/0/replay").then().statusCode(400)
                .body("error", containsString("partition 7 is out of range"));
        given().when().post("/api/v1/dead-letters/pve.events.dlq/0/999999999/replay").then().statusCode(404)
                .body("error", containsString("no dead letter at pve.events.dlq-0@999999999"));
    }

    static String header(ConsumerRecord<String, byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    static ConsumerRecord<String, byte[]> read(TopicPartition tp, long offset) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            c.assign(List.of(tp));
            c.seek(tp, offset);
            long end = System.nanoTime() + FleetPlay.WAIT.toNanos();
            while (System.nanoTime() < end) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (r.offset() == offset) {
                        return r;
                    }
                }
            }
        }
        throw new AssertionError("no record at " + tp + "@" + offset + " within " + FleetPlay.WAIT);
    }
}
