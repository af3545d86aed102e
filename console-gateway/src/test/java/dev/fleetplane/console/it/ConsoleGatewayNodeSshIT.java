package dev.fleetplane.console.it;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetplane.console.ConsoleWorld;
import dev.fleetplane.events.Json;
import dev.fleetplane.localstack.quarkus.LocalStackTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The gateway over the node-ssh backend (the seed's route: SSH to the node, {@code qm terminal}): the same endpoint,
 * the VM found through the node's {@code pvesh}, two viewers on one {@code qm terminal}, qm's refusal of a stopped VM
 * as the close reason, and the audit naming the backend.
 */
@QuarkusTest
@TestProfile(ConsoleGatewayNodeSshIT.NodeSsh.class)
@QuarkusTestResource(LocalStackTestResource.class)
@QuarkusTestResource(ConsoleWorld.class)
class ConsoleGatewayNodeSshIT {

    /** The world's settings with the other backend chosen. */
    public static class NodeSsh implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("fleetplane.console.backend", "node-ssh");
        }
    }

    private static int port() {
        return RestAssured.port;
    }

    @Test
    void twoViewersShareOneQmTerminal_andTheAuditSaysNodeSsh() throws Exception {
        String host = ConsoleWorld.SSH_HOST;
        String session;
        try (ConsoleClient alice = ConsoleClient.join(port(), host, ConsoleWorld.ALICE);
             ConsoleClient rita = ConsoleClient.join(port(), host, ConsoleWorld.RITA)) {
            JsonNode welcome = alice.awaitControl("welcome");
            session = welcome.path("session").asText();
            assertEquals("node-ssh", welcome.path("backend").asText());
            alice.awaitOutput("starting serial terminal on interface serial0");
            alice.type("\r");
            alice.awaitOutput(host + " login: ");
            alice.type("root\r");
            alice.awaitOutput("Password: ");
            alice.type("pw\r");
            alice.type("hostname\r");
            rita.awaitOutput("hostname\r\n" + host + "\r\n");
            alice.awaitOutput("hostname\r\n" + host + "\r\n");
        }
        long end = System.nanoTime() + 20_000_000_000L;
        JsonNode mine;
        do {
            Thread.sleep(50);
            JsonNode rows = Json.MAPPER.readTree(given().header("Authorization", "Bearer " + ConsoleWorld.ALICE)
                    .queryParam("host", host).get("/console/sessions").then().statusCode(200).extract().asString());
            mine = null;
            for (JsonNode r : rows) {
                if (session.equals(r.path("session").asText()) && r.hasNonNull("closedAt")) {
                    mine = r;
                }
            }
        } while (mine == null && System.nanoTime() < end);
        assertTrue(mine != null, "alice's session was closed in the audit");
        assertEquals("node-ssh", mine.path("backend").asText());
        assertEquals("\rroot\rpw\rhostname\r".length(), mine.path("bytesIn").asLong());
    }

    @Test
    void aStoppedVmIsRefusedWithQmsWords() {
        try (ConsoleClient c = ConsoleClient.open(port(), ConsoleWorld.STOPPED_HOST)) {
            c.auth(ConsoleWorld.ALICE, 80, 24);
            ConsoleClient.Closed closed = c.awaitClose();
            assertEquals(4409, closed.code());
            assertTrue(closed.reason().contains("VM 103 not running"), closed.reason());
        }
    }
}
