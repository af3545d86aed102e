package dev.fleetplane.planner;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.events.Topics;
import dev.fleetplane.localstack.quarkus.LocalStackTestResource;
import dev.fleetplane.localstack.quarkus.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * A token limited to hosts {@code web-*} on the topics and dead letters: topic figures whole, dead letters only those
 * keyed by its hosts, a replay of another host's a 403 naming the token.
 */
@QuarkusTest
@TestProfile(TopicsScopeIT.WithAWebOperator.class)
@QuarkusTestResource(LocalStackTestResource.class)
class TopicsScopeIT {

    static final String WEB_TOKEN = "it-web-operator-token";

    /** The test tokens plus {@code it-web-operator}, an operator limited to {@code web-*}. */
    public static class WithAWebOperator implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                Path f = Files.createTempFile("fleetplane-scoped-tokens", ".txt");
                f.toFile().deleteOnExit();
                Files.writeString(f, Files.readString(TestTokens.file()) + "it-web-operator operator "
                        + sha256(WEB_TOKEN) + " hosts=web-*\n");
                return Map.of("fleetplane.tokens-file", f.toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonPath deadLetters(String token) {
        return given().header("Authorization", TestTokens.bearer(token)).when()
                .get("/api/v1/dead-letters?topic=pve.events.dlq&limit=200").then().statusCode(200).extract().jsonPath();
    }

    @Test
    void aHostLimitedToken_seesTopicsWhole_butOnlyItsHostsDeadLetters_andReplaysOnlyThose() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String web = "web-" + run;
        String db = "db-" + run;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, LocalStackTestResource.current().kafkaBootstrapServers());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(),
                new ByteArraySerializer())) {
            for (String key : List.of(web, db)) {
                producer.send(new ProducerRecord<>(Topics.PVE_EVENTS, key, "not json".getBytes(StandardCharsets.UTF_8)))
                        .get(10, TimeUnit.SECONDS);
            }
        }
        String webRow = "find { it.key == '" + web + "' && it.consumer == 'planner' }";
        String dbRow = "find { it.key == '" + db + "' && it.consumer == 'planner' }";
        // both are dead letters: an unlimited token sees them
        JsonPath all = TopicsIT.await("both dead letters", () -> deadLetters(TestTokens.OPERATOR),
                j -> j.get(webRow) != null && j.get(dbRow) != null);

        JsonPath scoped = deadLetters(WEB_TOKEN);
        assertNotNull(scoped.get(webRow), "its own host's dead letter");
        assertNull(scoped.get("find { it.key == '" + db + "' }"), "not another host's");
        assertTrue(scoped.getList("key").stream().allMatch(k -> k != null && k.toString().startsWith("web-")),
                scoped.getList("key").toString());

        given().header("Authorization", TestTokens.bearer(WEB_TOKEN)).when().get("/api/v1/topics").then()
                .statusCode(200).body("topics.find { it.name == 'pve.events' }.partitions.size()", equalTo(6));

        String dbReplay = "/api/v1/dead-letters/pve.events.dlq/" + all.getInt(dbRow + ".partition") + "/"
                + all.getLong(dbRow + ".offset") + "/replay";
        given().header("Authorization", TestTokens.bearer(WEB_TOKEN)).when().post(dbReplay).then().statusCode(403)
                .body("error", equalTo("token it-web-operator may only see hosts web-*, not '" + db + "'"));
        String webReplay = "/api/v1/dead-letters/pve.events.dlq/" + all.getInt(webRow + ".partition") + "/"
                + all.getLong(webRow + ".offset") + "/replay";
        given().header("Authorization", TestTokens.bearer(WEB_TOKEN)).when().post(webReplay).then().statusCode(202)
                .body("replayedTo", equalTo(Topics.PVE_EVENTS));
    }
}
