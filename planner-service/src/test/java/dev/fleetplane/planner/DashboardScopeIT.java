package dev.fleetplane.planner;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.pve.VmStarted;
import dev.fleetplane.localstack.quarkus.LocalStackTestResource;
import dev.fleetplane.localstack.quarkus.TestTokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A token limited to {@code web*} follows the live stream: it never receives another host's event, and asking for
 * one is a 403 naming the token. The token is this test's own (a tokens file = the shared test tokens + it).
 */
@QuarkusTest
@TestProfile(DashboardScopeIT.ScopedToken.class)
class DashboardScopeIT {

    static final String WEB_VIEWER = "it-web-viewer-token";

    /** The local stack with a tokens file that also admits a viewer limited to {@code web*}. */
    public static class ScopedStack extends LocalStackTestResource {
        @Override
        public Map<String, String> start() {
            Map<String, String> props = new HashMap<>(super.start());
            try {
                Path f = Files.createTempFile("fleetplane-dashboard-tokens", ".txt");
                f.toFile().deleteOnExit();
                Files.writeString(f, Files.readString(TestTokens.file(), StandardCharsets.UTF_8) + "it-web-viewer viewer "
                        + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(WEB_VIEWER.getBytes(StandardCharsets.UTF_8))) + " hosts=web*\n", StandardCharsets.UTF_8);
                props.put("fleetplane.tokens-file", f.toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            return props;
        }
    }

    public static class ScopedToken implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(ScopedStack.class));
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }
    }

    static FleetPlay play;

    @TestHTTPResource("/")
    URI base;

    @BeforeAll
    static void connect() {
        play = new FleetPlay();
    }

    @AfterAll
    static void disconnect() throws Exception {
        play.close();
    }

    static FleetEvent started(String host) {
        return FleetEvent.create(EventCatalog.VM_STARTED, FleetPlay.ADAPTER, host, new VmStarted("pve", 902, "UPID"),
                "scope");
    }

    @Test
    void aScopedToken_neverReceivesOtherHostsEvents_andIsRefusedTheirStream() throws Exception {
        String r = UUID.randomUUID().toString().substring(0, 8);
        String web = "web-" + r;
        String db = "db-" + r;
        try (SseClient all = SseClient.open(base, "/api/v1/events/stream?correlationId=scope", WEB_VIEWER, null)) {
            assertEquals(200, all.status, all.body);
            FleetEvent dbEvent = started(db);
            FleetEvent webEvent = started(web);
            play.pve(db, dbEvent);
            play.pve(web, webEvent);
            SseClient.Event first = all.next(FleetPlay.WAIT);
            assertEquals(webEvent.id(), first.json().get("id").asText(), "db's event, stored first, is not sent");
            // Resuming from before both does not replay db's either.
            try (SseClient resumed = SseClient.open(base, "/api/v1/events/stream?correlationId=scope",
                    WEB_VIEWER, Long.toString(Long.parseLong(first.id()) - 1 - 1))) {
                SseClient.Event again = resumed.next(FleetPlay.WAIT);
                assertTrue(again.json().get("subject").asText().startsWith("web"), again.data());
            }
        }
        try (SseClient refused = SseClient.open(base, "/api/v1/events/stream?host=" + db, WEB_VIEWER, null)) {
            assertEquals(403, refused.status);
            assertTrue(refused.body.contains("token it-web-viewer may only see hosts web*, not '" + db + "'"),
                    refused.body);
        }
        given().header("Authorization", TestTokens.bearer(WEB_VIEWER)).get("/api/v1/hosts/" + db + "/timeline")
                .then().statusCode(403).body("error", containsString("may only see hosts web*"));
        given().header("Authorization", TestTokens.bearer(WEB_VIEWER)).get("/api/v1/dashboard/hosts")
                .then().statusCode(200);
    }
}
