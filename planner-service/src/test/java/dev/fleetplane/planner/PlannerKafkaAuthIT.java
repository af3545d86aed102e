package dev.fleetplane.planner;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.localstack.quarkus.LocalStackTestResource;
import dev.fleetplane.localstack.quarkus.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The planner logged in as its own Kafka user on a broker with SASL/SCRAM and the ACLs of local-stack's
 * {@code KafkaAcls} (an own stack; the shared one runs without): a spec pushed over REST is planned, its
 * {@code SyncInventory} goes out on {@code pve.commands} (the outbox producer), the event log reads it back, and the dashboard's topic figures and dead letters (hand-built admin client and consumer) answer. An ACL
 * the planner lacks would stop one of these.
 */
@QuarkusTest
@TestProfile(PlannerKafkaAuthIT.AsPlannerUser.class)
class PlannerKafkaAuthIT {

    /** The local stack with Kafka auth on, the planner logged in as user {@code planner}. */
    public static class AsPlannerUser implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(LocalStackTestResource.class, Map.of("kafka-user", "planner")));
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }
    }

    @BeforeAll
    static void asOperator() {
        TestTokens.actAsOperator();
    }

    @Test
    void aPushedSpec_isPlanned_andLogged_throughTheBrokerWithAcls() throws Exception {
        assertTrue(LocalStackTestResource.currentKafkaAuth().isPresent(), "the stack runs with Kafka auth");
        String fleet = "auth-" + UUID.randomUUID().toString().substring(0, 8);
        String location = given().contentType("application/json").queryParam("fleet", fleet).body("""
                {"_proxmox": {"host": "h", "node": "pve", "defaultStorage": "local-lvm", "templateVmid": 9003},
                 "web": {"proxmox": {"vmid": 111, "cores": 2, "memory": 4096, "disk": "32G"}}}""")
                .when().post("/api/v1/specs").then().statusCode(202).extract().header("Location");
        String correlation = "spec-" + location.substring(location.lastIndexOf('/') + 1);

        List<String> topicsOfTheSpec = TopicsIT.await("the spec's events in the event log",
                () -> given().queryParam("correlationId", correlation).when().get("/api/v1/events")
                        .then().statusCode(200).extract().jsonPath().<String>getList("topic"),
                topics -> topics.contains("pve.commands"));
        assertTrue(topicsOfTheSpec.contains("pve.commands"), topicsOfTheSpec.toString());

        JsonPath topics = given().when().get("/api/v1/topics").then().statusCode(200).extract().jsonPath();
        assertTrue(topics.getList("topics.name").contains("provisioning.commands"), topics.prettify());
        given().when().get("/api/v1/dead-letters").then().statusCode(200);
        given().when().get("/q/health/ready").then().statusCode(200);
    }
}
