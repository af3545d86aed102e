package dev.fleetplane.console.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetplane.console.ConsoleWorld;
import dev.fleetplane.localstack.corpus.HostileCorpus;
import dev.fleetplane.localstack.quarkus.LocalStackTestResource;
import dev.fleetplane.localstack.quarkus.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The console gateway's part of the hostile-input corpus ({@code hostile-corpus/websocket/}, see its README): each
 * file is a sequence of WebSocket frames sent to {@code /console/ws/{host}} of the running gateway (pve-api backend,
 * the PVE simulator); the expected outcome is a close code and reason, or an {@code error} message after which the
 * connection still answers a ping. No answer carries a stack trace or a token.
 */
@QuarkusTest
@QuarkusTestResource(LocalStackTestResource.class)
@QuarkusTestResource(ConsoleWorld.class)
class HostileFramesIT {

    static final List<String> SECRETS = List.of(ConsoleWorld.ALICE, ConsoleWorld.BOB, ConsoleWorld.RITA,
            ConsoleWorld.WENDY, ConsoleWorld.PASSWORD, TestTokens.OPERATOR);

    @TestFactory
    Stream<DynamicTest> websocketFrames() {
        List<HostileCorpus.Case> cases = HostileCorpus.of("websocket");
        HostileCorpus.printCount("websocket", cases.size());
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> run(c)));
    }

    private static void run(HostileCorpus.Case c) {
        String host = c.expect("host", ConsoleWorld.FLOOD_HOST);
        try (ConsoleClient client = ConsoleClient.open(RestAssured.port, host)) {
            for (String line : c.latin1().split("\n")) {
                send(client, line);
            }
            String close = c.expect("close", null);
            String error = c.expect("error", null);
            String pongs = c.expect("pong", null);
            if (close != null) {
                ConsoleClient.Closed closed = client.awaitClose();
                // A reason longer than a close frame's 123 bytes comes whole in an error "closing" just before.
                String reason = closed.reason() + client.controls.stream()
                        .filter(n -> n.path("type").asText().equals("error")).map(n -> " " + n.path("message").asText())
                        .reduce("", String::concat);
                assertEquals(Integer.parseInt(close), closed.code(), c + ": closed with " + reason);
                HostileCorpus.assertContains(c, "the close reason", reason, c.expect("reason", ""));
                HostileCorpus.assertNoLeak(c, reason, SECRETS);
            } else if (error != null) {
                JsonNode e = client.awaitControl("error", n -> n.path("code").asText().equals(error));
                HostileCorpus.assertContains(c, "the error", e.path("message").asText(), c.expect("message"));
                if (Boolean.parseBoolean(c.expect("alive", "false"))) {
                    client.control("{\"type\":\"ping\"}");
                    client.awaitControl("pong");
                }
            } else if (pongs != null) {
                int n = Integer.parseInt(pongs);
                client.awaitControl("pong", x -> client.controls.stream()
                        .filter(m -> m.path("type").asText().equals("pong")).count() >= n);
            } else {
                throw new IllegalStateException(c + ": expect close, error or pong");
            }
            for (JsonNode m : client.controls) {
                HostileCorpus.assertNoLeak(c, m.toString(), SECRETS);
            }
        }
    }

    /** One line of a {@code .frames} file: {@code auth}, {@code text …}, {@code binary …}, {@code binary-hex …}. */
    private static void send(ConsoleClient client, String line) {
        Map<String, String> values = Map.of("ALICE", ConsoleWorld.ALICE);
        if (line.equals("auth")) {
            client.auth(ConsoleWorld.ALICE, 100, 30);
            client.awaitControl("welcome");
        } else if (line.equals("text")) {
            client.control("");
        } else if (line.startsWith("text ")) {
            client.control(unescape(HostileCorpus.fill(line.substring(5), values)));
        } else if (line.startsWith("binary-hex ")) {
            client.send(HexFormat.of().parseHex(line.substring(11).strip()));
        } else if (line.startsWith("binary ")) {
            client.send(unescape(line.substring(7)).getBytes(StandardCharsets.UTF_8));
        } else if (!line.isBlank()) {
            throw new IllegalStateException("not a frame line: " + HostileCorpus.cut(line));
        }
    }

    /** {@code \r}, {@code \n} and {@code \}{@code uXXXX} outside JSON strings are the file's way to write them. */
    private static String unescape(String s) {
        if (s.startsWith("{") || s.startsWith("[")) {
            return s; // JSON keeps its own escapes
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '\\' && i + 1 < s.length()) {
                char n = s.charAt(i + 1);
                if (n == 'r') {
                    b.append('\r');
                    i++;
                    continue;
                }
                if (n == 'n') {
                    b.append('\n');
                    i++;
                    continue;
                }
                if (n == 'u' && i + 5 < s.length()) {
                    b.append((char) Integer.parseInt(s.substring(i + 2, i + 6), 16));
                    i += 5;
                    continue;
                }
            }
            b.append(ch);
        }
        return b.toString();
    }
}
