package dev.fleetplane.console.it;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetplane.console.ConsoleWorld;
import dev.fleetplane.events.Json;
import dev.fleetplane.events.Topics;
import dev.fleetplane.events.console.ConsoleSessionClosed;
import dev.fleetplane.localstack.quarkus.LocalStackTestResource;
import dev.fleetplane.localstack.quarkus.TestTokens;
import dev.fleetplane.localstack.quarkus.TopicRecorder;
import dev.fleetplane.proxmox.client.ProxmoxClient;
import dev.fleetplane.proxmox.client.PveConnection;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The gateway through its WebSocket endpoint and REST API, over the {@code pve-api} backend to the PVE simulator,
 * with the shared local stack's PostgreSQL and Kafka: a console shared by three operators (one types, one watches
 * read-only, one takes the keyboard), its audit rows, events and redacted transcript; every refusal a client can meet;
 * a 10 MB paste; a client that stops reading.
 */
@QuarkusTest
@QuarkusTestResource(LocalStackTestResource.class)
@QuarkusTestResource(ConsoleWorld.class)
class ConsoleGatewayIT {

    private static int port() {
        return RestAssured.port;
    }

    private static void logIn(ConsoleClient c, String host) {
        c.type("root\r");
        c.awaitOutput("Password: ");
        c.type("hunter2\r");
        c.awaitOutput("[root@" + host + ":~]# ");
    }

    @Test
    void threeOperatorsShareOneConsole_oneTypes_oneWatches_oneTakesTheKeyboard_andAllIsAudited() throws Exception {
        String host = ConsoleWorld.SHARED_HOST;
        String alicesSession;
        try (ConsoleClient alice = ConsoleClient.join(port(), host, ConsoleWorld.ALICE)) {
            alicesSession = alice.awaitControl("welcome").path("session").asText();
            alice.awaitControl("lock", n -> n.path("you").asText().equals("writer"));
            logIn(alice, host);
            try (ConsoleClient rita = ConsoleClient.join(port(), host, ConsoleWorld.RITA);
                 ConsoleClient bob = ConsoleClient.join(port(), host, ConsoleWorld.BOB)) {
                JsonNode ritasLock = rita.awaitControl("lock", n -> n.path("viewers").asInt() == 3);
                assertEquals("alice", ritasLock.path("writer").asText());
                assertEquals("reader", ritasLock.path("you").asText());
                assertTrue(rita.awaitControl("replay").path("bytes").asInt() > 0);
                rita.awaitOutput("Password: "); // the scrollback from before she came
                alice.type("hostname\r");
                rita.awaitOutput("hostname\r\n" + host + "\r\n");
                bob.awaitOutput("hostname\r\n" + host + "\r\n");

                rita.type("whoami\r");
                assertEquals("read-only: alice has the keyboard", rita.awaitControl("error").path("message").asText());
                rita.control("{\"type\":\"take\"}");
                rita.awaitControl("error", n -> n.path("code").asText().equals("not-allowed"));

                bob.control("{\"type\":\"take\"}");
                alice.awaitControl("lock", n -> n.path("writer").asText().equals("bob")
                        && n.path("you").asText().equals("reader"));
                bob.type("whoami\r");
                alice.awaitOutput("whoami\r\nroot\r\n");
                assertFalse(alice.output().contains("whoami\r\nroot\r\nwhoami"), "rita's whoami never reached the VM");
            }
            // bob, the writer, left: the keyboard comes back to alice, the one left who may write
            alice.awaitControl("lock", n -> n.path("viewers").asInt() == 1 && n.path("you").asText().equals("writer"));
        }

        // the audit: three rows, closed, with the bytes and the keyboard periods
        JsonNode rows = awaitSessions(host, 3);
        JsonNode alice = find(rows, "alice");
        assertEquals(alicesSession, alice.path("session").asText());
        assertEquals("root\rhunter2\rhostname\r".length(), alice.path("bytesIn").asLong());
        assertEquals(2, alice.path("writeLock").size(), "hers at first, and again when bob (the writer) left");
        assertEquals("pve-api", alice.path("backend").asText());
        assertEquals("127.0.0.1", alice.path("from").asText(), "the client's address, without its port");
        JsonNode rita = find(rows, "rita");
        assertEquals(0, rita.path("bytesIn").asLong());
        assertEquals("read", rita.path("access").asText());
        assertEquals(0, rita.path("writeLock").size());
        assertTrue(rita.path("bytesOut").asLong() > 0);
        assertEquals(1, find(rows, "bob").path("writeLock").size());

        // the transcript: what was typed, the password left out
        // (written every 250 ms, and when the console closes: wait for the last of it)
        JsonNode transcript;
        String typed;
        long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        do {
            Thread.sleep(50);
            transcript = Json.MAPPER.readTree(given().header("Authorization", "Bearer " + ConsoleWorld.ALICE)
                    .get("/console/sessions/" + alicesSession + "/transcript").then().statusCode(200).extract()
                    .asString());
            typed = inputs(transcript);
        } while (!typed.contains("whoami\r") && System.nanoTime() < until);
        assertTrue(typed.contains("root\r[redacted]\rhostname\rwhoami\r"), typed);
        assertFalse(transcript.toString().contains("hunter2"), "the password is in the transcript");

        // the events: opened and closed for each, keyed by the VMID (the outbox publishes after commit)
        List<TopicRecorder.Seen> mine = awaitEvents(host, 6);
        assertEquals(Set.of(Integer.toString(ConsoleWorld.SHARED_VM)), mine.stream().map(TopicRecorder.Seen::key)
                .collect(Collectors.toSet()));
        assertEquals(3, mine.stream().filter(e -> e.event().type().startsWith("fleetplane.console.session-opened"))
                .count());
        ConsoleSessionClosed closedAlice = mine.stream().map(TopicRecorder.Seen::event)
                .filter(e -> e.type().startsWith("fleetplane.console.session-closed"))
                .map(e -> Json.MAPPER.convertValue(e.data(), ConsoleSessionClosed.class))
                .filter(c -> c.operator().equals("alice")).findFirst().orElseThrow();
        assertEquals(alice.path("bytesIn").asLong(), closedAlice.bytesIn());
        assertEquals(2, closedAlice.writeLock().size());
    }

    @Test
    void eachRefusalClosesWithItsOwnCodeAndWords() throws Exception {
        assertClosed(ConsoleWorld.SHARED_HOST, "not-a-token", 4401, "unknown token");
        assertClosed(ConsoleWorld.SHARED_HOST, ConsoleWorld.WENDY, 4403,
                "operator wendy may not open the console of " + ConsoleWorld.SHARED_HOST);
        // Shared tokens (TestTokens): one past its expires=, one limited by hosts= to web*.
        assertClosed(ConsoleWorld.SHARED_HOST, TestTokens.EXPIRED, 4401, "token it-expired expired at 2020-01-01T00:00:00Z");
        assertClosed(ConsoleWorld.SHARED_HOST, TestTokens.VIEWER_WEB, 4403,
                "operator it-viewer-web may not open the console of " + ConsoleWorld.SHARED_HOST);
        assertClosed("nosuchhost", ConsoleWorld.ALICE, 4404, "no VM named nosuchhost in the cluster (pve-api)");
        ConsoleClient.Closed stopped = closeOf(ConsoleWorld.STOPPED_HOST, ConsoleWorld.ALICE);
        assertEquals(new ConsoleClient.Closed(4409, "off (VM 103 on pve) is stopped: start it (qm start 103) to open "
                + "its serial console"), stopped);
        try (ProxmoxClient admin = ProxmoxClient.connect(PveConnection.withPassword(ConsoleWorld.sim.url(),
                ConsoleWorld.USER, ConsoleWorld.PASSWORD).fingerprint(ConsoleWorld.sim.fingerprint()))) {
            admin.updateConfig(ConsoleWorld.NODE, ConsoleWorld.GW_NO_SERIAL_VM, java.util.Map.of("delete", "serial0"));
        }
        ConsoleClient.Closed noSerial = closeOf(ConsoleWorld.NO_SERIAL_HOST, ConsoleWorld.ALICE);
        assertEquals(4409, noSerial.code());
        assertTrue(noSerial.reason().contains("serial0"), noSerial.reason());

        try (ConsoleClient c = ConsoleClient.open(port(), ConsoleWorld.SHARED_HOST)) {
            c.type("root\r"); // input before auth
            assertEquals(new ConsoleClient.Closed(4401, "the first message must be the auth message, not input"),
                    c.awaitClose());
        }
        try (ConsoleClient c = ConsoleClient.open(port(), ConsoleWorld.SHARED_HOST)) {
            c.control("0:4:root"); // termproxy's framing is not this protocol
            ConsoleClient.Closed closed = c.awaitClose();
            assertEquals(4401, closed.code());
            assertTrue(closed.reason().startsWith("the first message must be {\"type\":\"auth\""), closed.reason());
        }
        try (ConsoleClient c = ConsoleClient.open(port(), ConsoleWorld.SHARED_HOST)) {
            assertEquals(4408, c.awaitClose().code(), "no auth message within the (shortened) auth timeout");
        }
        try (ConsoleClient c = ConsoleClient.open(port(), "bad_host!")) {
            assertEquals(new ConsoleClient.Closed(4404, "'bad_host!' is not a host name"), c.awaitClose());
        }
    }

    @Test
    void aMalformedControlMessageAfterAuthIsAnErrorAndTheConnectionStays() {
        try (ConsoleClient c = ConsoleClient.join(port(), ConsoleWorld.FLOOD_HOST, ConsoleWorld.BOB)) {
            c.control("{\"type\":\"resize\",\"cols\":0,\"rows\":24}");
            assertEquals("resize: 'cols' must be a whole number from 1 to 65535, got 0",
                    c.awaitControl("error").path("message").asText());
            c.control("{\"type\":\"ping\"}");
            c.awaitControl("pong");
        }
    }

    @Test
    void tenMegabytesInOneMessageAreRefusedInWords_theConnectionAndTheOtherViewerGoOn() {
        String host = ConsoleWorld.FLOOD_HOST;
        try (ConsoleClient watcher = ConsoleClient.join(port(), host, ConsoleWorld.RITA);
             ConsoleClient paster = ConsoleClient.join(port(), host, ConsoleWorld.ALICE)) {
            paster.awaitControl("lock", n -> n.path("you").asText().equals("writer"));
            paster.send(new byte[10 * 1024 * 1024]);
            assertEquals("input of 10485760 bytes in one message is more than the 1048576 a message may carry; "
                    + "nothing of it was sent (send a paste in pieces of 64 KiB)",
                    paster.awaitControl("error", n -> n.path("code").asText().equals("too-large")).path("message")
                            .asText());
            paster.type("root\r");
            watcher.awaitOutput("root\r\nPassword: ");
            assertFalse(watcher.output().contains("\0"), "no byte of the refused paste reached the VM");
        }
    }

    @Test
    void aClientThatStopsReadingIsDropped_andTheOthersKeepTheirConsole() throws Exception {
        String host = ConsoleWorld.SLOW_HOST;
        try (ConsoleClient writer = ConsoleClient.join(port(), host, ConsoleWorld.ALICE);
             ConsoleClient stuck = ConsoleClient.join(port(), host, ConsoleWorld.RITA)) {
            logIn(writer, host);
            stuck.stopReading();
            String line = "x".repeat(60 * 1024);
            // each line comes back twice (the echo, then echo's output): ~120 KB of output per line, until the
            // gateway has dropped the reader (its queue limit plus what the sockets' buffers hold)
            for (int i = 0; i < 400 && !closedBy(host, "rita"); i++) {
                int before = writer.outputLength();
                writer.type("echo " + line + "\r");
                writer.awaitOutputLength(before + 2 * line.length());
            }
            stuck.resumeReading();
            ConsoleClient.Closed dropped = stuck.awaitClose();
            assertEquals(4429, dropped.code(), dropped.reason());
            assertTrue(dropped.reason().startsWith("not reading"), dropped.reason());
            writer.type("hostname\r");
            writer.awaitOutput("hostname\r\n" + host + "\r\n");
        }
    }

    private static boolean closedBy(String host, String operator) throws Exception {
        JsonNode rows = Json.MAPPER.readTree(given().header("Authorization", "Bearer " + ConsoleWorld.ALICE)
                .queryParam("host", host).get("/console/sessions").then().statusCode(200).extract().asString());
        for (JsonNode r : rows) {
            if (operator.equals(r.path("operator").asText()) && r.hasNonNull("closedAt")) {
                return true;
            }
        }
        return false;
    }

    @Test
    void aLineDroppedByTheFarSideIsReopened_theViewersAreTold_andTheConsoleGoesOn() {
        String host = ConsoleWorld.DROP_HOST;
        try (ConsoleClient alice = ConsoleClient.join(port(), host, ConsoleWorld.ALICE);
             ConsoleClient rita = ConsoleClient.join(port(), host, ConsoleWorld.RITA)) {
            logIn(alice, host);
            assertTrue(ConsoleWorld.sim.hangUpSerial(ConsoleWorld.GW_DROP_VM) >= 1, "the simulator had a session to drop");
            for (ConsoleClient c : List.of(alice, rita)) {
                assertTrue(c.awaitControl("backend", n -> n.path("state").asText().equals("reconnecting"))
                        .path("message").asText().startsWith("the console line dropped"));
                c.awaitControl("backend", n -> n.path("state").asText().equals("connected"));
            }
            alice.type("hostname\r"); // the guest kept its state: still logged in
            rita.awaitOutput("hostname\r\n" + host + "\r\n");
            assertEquals("alice", rita.awaitControl("lock").path("writer").asText());
        }
    }

    private static void assertClosed(String host, String token, int code, String reason) {
        assertEquals(new ConsoleClient.Closed(code, reason), closeOf(host, token));
    }

    private static ConsoleClient.Closed closeOf(String host, String token) {
        try (ConsoleClient c = ConsoleClient.open(port(), host)) {
            c.auth(token, 80, 24);
            return c.awaitClose();
        }
    }

    private static JsonNode awaitSessions(String host, int closed) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            JsonNode rows = Json.MAPPER.readTree(given().header("Authorization", "Bearer " + ConsoleWorld.ALICE)
                    .queryParam("host", host).get("/console/sessions").then().statusCode(200).extract().asString());
            int n = 0;
            for (JsonNode r : rows) {
                n += r.path("closedAt").isNull() || r.path("closedAt").isMissingNode() ? 0 : 1;
            }
            if (n >= closed) {
                return rows;
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("waited 20 s for " + closed + " closed sessions of " + host + ": " + rows);
            }
            Thread.sleep(50);
        }
    }

    private static JsonNode find(JsonNode rows, String operator) {
        for (JsonNode r : rows) {
            if (operator.equals(r.path("operator").asText())) {
                return r;
            }
        }
        throw new AssertionError("no session of " + operator + " in " + rows);
    }

    private static String inputs(JsonNode transcript) {
        StringBuilder b = new StringBuilder();
        for (JsonNode e : transcript.path("entries")) {
            if ("in".equals(e.path("stream").asText())) {
                b.append(e.path("data").asText());
            }
        }
        return b.toString();
    }

    private static List<TopicRecorder.Seen> awaitEvents(String host, int n) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            List<TopicRecorder.Seen> mine = TopicRecorder.readToEnd(
                    LocalStackTestResource.current().kafkaBootstrapServers(), Topics.CONSOLE_SESSIONS).stream()
                    .filter(s -> s.event() != null && host.equals(s.event().subject())).toList();
            if (mine.size() >= n || System.nanoTime() > end) {
                assertEquals(n, mine.size(), () -> "events of " + host + " on console.sessions: " + mine);
                return mine;
            }
            Thread.sleep(100);
        }
    }
}
