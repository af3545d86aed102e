package dev.fleetplane.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetplane.events.Json;
import dev.fleetplane.events.plans.PlannedChange;
import dev.fleetplane.messaging.Database;
import dev.fleetplane.messaging.access.Tokens;
import dev.fleetplane.planner.eventlog.EventLogStore;
import dev.fleetplane.planner.eventlog.LoggedEvent;
import dev.fleetplane.planner.lifecycle.HostDesired;
import dev.fleetplane.planner.lifecycle.HostLifecycle;
import dev.fleetplane.planner.lifecycle.HostRecord;
import dev.fleetplane.planner.lifecycle.HostState;
import dev.fleetplane.planner.lifecycle.HostStore;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Map;

import dev.fleetplane.localstack.quarkus.AccessProbe;
import dev.fleetplane.localstack.quarkus.AccessProbe.Door;
import dev.fleetplane.localstack.quarkus.LocalStackTestResource;
import dev.fleetplane.localstack.quarkus.TestTokens;
import dev.fleetplane.planner.api.DeadLetterResource;
import dev.fleetplane.planner.api.EventResource;
import dev.fleetplane.planner.api.HostResource;
import dev.fleetplane.planner.api.PlanResource;
import dev.fleetplane.planner.api.SpecResource;
import dev.fleetplane.planner.api.TopicResource;
import dev.fleetplane.planner.api.VmPowerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The planner's doors (docs/access.md) against the real service with the test tokens file: every mutating endpoint
 * refuses no token and an unknown token (401), a viewer (403, naming the role), and lets its role through; reads want
 * viewer or ci; the probes stay open. The bad input of #14: an expired token, a token limited to some hosts asking
 * for others, a token added to the file while the service runs.
 */
@QuarkusTest
@QuarkusTestResource(LocalStackTestResource.class)
class PlannerAccessIT {

    @TestHTTPResource("/")
    URI base;

    @Inject
    Database database;

    @Inject
    HostStore hostStore;

    @Inject
    EventLogStore eventLog;

    /** The tokens file this planner reads (TestTokens'); a test appends to it. */
    @ConfigProperty(name = Tokens.FILE_KEY)
    Path tokensFile;

    static final String FLEET = "access-" + UUID.randomUUID().toString().substring(0, 8);

    static final List<Door> DOORS = List.of(
            // ci pushes a spec: 202, the intake's success.
            new Door("POST /api/v1/specs", "/api/v1/specs?fleet=" + FLEET, """
                    {"_proxmox": {"host": "10.9.9.9", "node": "pve9", "defaultStorage": "local-lvm", "templateVmid": 9009},
                     "web": {"proxmox": {"vmid": 7911, "cores": 1, "memory": 1024, "disk": "8G"}}}""", TestTokens.CI, 202),
            // The domain's own answers past the door: no such fleet, no body, no such plan, host, VMID.
            new Door("POST /api/v1/plans", "/api/v1/plans?fleet=no-such-" + FLEET, null, TestTokens.CI, 404),
            new Door("POST /api/v1/plans/speculative", "/api/v1/plans/speculative?fleet=no-such-" + FLEET, "[]",
                    TestTokens.CI, 400),
            new Door("POST /api/v1/plans/{id}/apply", "/api/v1/plans/" + UUID.randomUUID() + "/apply", null,
                    TestTokens.OPERATOR, 404),
            new Door("PATCH /api/v1/hosts/{host}", "/api/v1/hosts/web?fleet=no-such-" + FLEET, "{\"set\": {}}",
                    TestTokens.OPERATOR, 404),
            new Door("POST /api/v1/hosts/{host}/power", "/api/v1/hosts/web/power?fleet=no-such-" + FLEET,
                    "{\"action\": \"reboot\"}", TestTokens.OPERATOR, 404),
            new Door("POST /api/v1/vms/{vmid}/power", "/api/v1/vms/1/power", "{\"action\": \"reboot\"}",
                    TestTokens.OPERATOR, 400),
            // not a dead-letter topic: the resource's own 400 past the door
            new Door("POST /api/v1/dead-letters/{topic}/{partition}/{offset}/replay",
                    "/api/v1/dead-letters/no-such-topic/0/0/replay", null, TestTokens.OPERATOR, 400));

    @Test
    void everyMutatingEndpoint_refusesNoTokenAndViewer_andAdmitsItsRole() {
        assertEquals(AccessProbe.mutatingEndpoints(SpecResource.class, PlanResource.class, HostResource.class,
                VmPowerResource.class, EventResource.class, DeadLetterResource.class, TopicResource.class),
                AccessProbe.endpoints(DOORS),
                "every mutating endpoint of the planner is knocked on");
        AccessProbe.knock(base, DOORS, TestTokens.VIEWER, "it-viewer");
    }

    @Test
    void pushingASpec_withTheCiToken_isAccepted() {
        var a = AccessProbe.call(base, DOORS.get(0), TestTokens.bearer(TestTokens.CI));
        assertEquals(202, a.status(), a.toString());
    }

    @Test
    void applying_withTheCiToken_isRefused_namingTheRoleMissing() {
        var a = AccessProbe.call(base, DOORS.get(3), TestTokens.bearer(TestTokens.CI));
        assertEquals(403, a.status(), a.toString());
        assertEquals("{\"error\":\"needs role operator; token it-ci has ci\"}", a.body());
    }

    @Test
    void reads_wantViewerOrCi_andOperatorIsAViewer() {
        Door hosts = new Door("GET /api/v1/hosts", "/api/v1/hosts?fleet=" + FLEET, null, TestTokens.VIEWER, 200);
        var none = AccessProbe.call(base, hosts, null);
        assertEquals(401, none.status(), none.toString());
        assertEquals("{\"error\":\"a token is needed: Authorization: Bearer <token> (this endpoint needs role viewer or "
                + "ci)\"}", none.body());
        for (String token : List.of(TestTokens.VIEWER, TestTokens.CI, TestTokens.OPERATOR)) {
            assertEquals(200, AccessProbe.call(base, hosts, TestTokens.bearer(token)).status(), token);
        }
        var console = AccessProbe.call(base, hosts, TestTokens.bearer(TestTokens.CONSOLE));
        assertEquals(403, console.status(), console.toString());
        assertTrue(console.body().contains("needs role viewer or ci; token it-console has console"), console.body());
        var basic = AccessProbe.call(base, hosts, "Basic dXNlcjpwdw==");
        assertEquals(401, basic.status(), basic.toString());
        assertTrue(basic.body().contains("the Authorization header must be 'Bearer <token>'"), basic.body());
    }

    @Test
    void probes_stayOpen() {
        Door health = new Door("GET /q/health", "/q/health/live", null, null, 200);
        assertEquals(200, AccessProbe.call(base, health, null).status());
    }
    @Test
    void anExpiredToken_isRefusedWith401NamingItsExpiry_onAReadAndOnAnAction() {
        String expired = "{\"error\":\"token it-expired expired at 2020-01-01T00:00:00Z\"}";
        var read = AccessProbe.call(base, new Door("GET /api/v1/hosts", "/api/v1/hosts", null, null, 200),
                TestTokens.bearer(TestTokens.EXPIRED));
        assertEquals(401, read.status(), read.toString());
        assertEquals(expired, read.body());
        var apply = AccessProbe.call(base, DOORS.get(3), TestTokens.bearer(TestTokens.EXPIRED));
        assertEquals(401, apply.status(), apply.toString());
        assertEquals(expired, apply.body());
    }

    @Test
    void aWrongToken_is401() {
        var wrong = AccessProbe.call(base, DOORS.get(3), TestTokens.bearer("not-a-token-of-the-file"));
        assertEquals(401, wrong.status(), wrong.toString());
        assertEquals("{\"error\":\"unknown token\"}", wrong.body());
    }

    @Test
    void aViewerOfWebHosts_seesOnlyThemInHostsAndEvents_andIsRefusedOtherHostsPlansAndSpecs() throws Exception {
        String fleet = "scope-" + UUID.randomUUID().toString().substring(0, 8);
        database.inTransaction(c -> {
            for (String h : List.of("web-1", "web-2", "db-1")) {
                int vmid = 7900 + h.hashCode() % 50 + 50;
                hostStore.enqueue(c, new HostRecord(fleet, h, vmid, "pve9", HostState.Ready, null, null, null, null,
                        new HostDesired(vmid, h, 1, 1024, "8G", "local-lvm", 9009, null, null, null, Map.of()),
                        new PlannedChange(h, HostLifecycle.CREATE, vmid, "pve9", List.of()),
                        HostLifecycle.Origin.created, null, null, null, null, null));
            }
            return null;
        });
        String story = "scope-story-" + UUID.randomUUID();
        database.inTransaction(c -> {
            for (String h : List.of("web-1", "db-1")) {
                eventLog.insert(c, new LoggedEvent(0, UUID.randomUUID().toString(), "dev.fleetplane.test.scoped.v1",
                        "planner-access-it", h, OffsetDateTime.now(), story, null, "test.scope", 0, 0,
                        Json.MAPPER.createObjectNode()));
            }
            return null;
        });
        String web = TestTokens.bearer(TestTokens.VIEWER_WEB);

        assertEquals(List.of("web-1", "web-2"), hostNames(get("/api/v1/hosts?fleet=" + fleet, web, 200)));
        assertEquals(List.of("db-1", "web-1", "web-2"),
                hostNames(get("/api/v1/hosts?fleet=" + fleet, TestTokens.bearer(TestTokens.VIEWER), 200)));

        JsonNode events = Json.MAPPER.readTree(get("/api/v1/events?correlationId=" + story, web, 200).body());
        assertEquals(1, events.size(), events.toString());
        assertEquals("web-1", events.get(0).path("subject").asText());
        assertEquals(2, Json.MAPPER.readTree(get("/api/v1/events?correlationId=" + story,
                TestTokens.bearer(TestTokens.VIEWER), 200).body()).size());

        assertEquals("token it-viewer-web may only see hosts web*, not 'db'",
                error(get("/api/v1/events?host=db", web, 403)));
        String fleetWide = "token it-viewer-web may only see hosts web*; plans and specs span the whole fleet";
        assertEquals(fleetWide, error(get("/api/v1/plans", web, 403)));
        assertEquals(fleetWide, error(get("/api/v1/specs/latest/content?fleet=" + fleet, web, 403)));
        assertEquals("{\"name\":\"it-viewer-web\",\"roles\":[\"viewer\"],\"hosts\":[\"web*\"]}",
                get("/api/v1/whoami", web, 200).body());
    }

    @Test
    void aTokenWrittenToTheFileWhileTheServiceRuns_isAdmitted_andItsHostScopeLimitsItsActions() throws Exception {
        String token = "it-added-" + UUID.randomUUID();
        String name = "it-added-" + UUID.randomUUID().toString().substring(0, 8);
        String bearer = TestTokens.bearer(token);
        Door hosts = new Door("GET /api/v1/hosts", "/api/v1/hosts", null, null, 200);
        assertEquals(401, AccessProbe.call(base, hosts, bearer).status());

        Files.writeString(tokensFile, name + " operator " + TestTokens.sha256Hex(token) + " hosts=web*\n",
                StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(15));
        AccessProbe.Answer answer = AccessProbe.call(base, hosts, bearer);
        while (answer.status() != 200 && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
            answer = AccessProbe.call(base, hosts, bearer);
        }
        assertEquals(200, answer.status(), "the token added to the file is admitted without a restart: " + answer);

        String outside = "token " + name + " may only see hosts web*, not 'db'";
        var patch = AccessProbe.call(base, new Door("PATCH /api/v1/hosts/{host}",
                "/api/v1/hosts/db?fleet=no-such-" + FLEET, "{\"set\": {}}", null, 0), bearer);
        assertEquals(403, patch.status(), patch.toString());
        assertEquals(outside, error(patch));
        var power = AccessProbe.call(base, new Door("POST /api/v1/hosts/{host}/power",
                "/api/v1/hosts/db/power?fleet=no-such-" + FLEET, "{\"action\": \"reboot\"}", null, 0), bearer);
        assertEquals(403, power.status(), power.toString());
        assertEquals(outside, error(power));
        assertEquals("token " + name + " may only see hosts web*; plans and specs span the whole fleet",
                error(get("/api/v1/plans", bearer, 403)));
        var inside = AccessProbe.call(base, new Door("PATCH /api/v1/hosts/{host}",
                "/api/v1/hosts/web?fleet=no-such-" + FLEET, "{\"set\": {}}", null, 0), bearer);
        assertEquals(404, inside.status(), "a host in its scope goes on to the domain's answer: " + inside);
    }

    private AccessProbe.Answer get(String path, String authorization, int status) {
        var a = AccessProbe.call(base, new Door("GET " + path, path, null, null, status), authorization);
        assertEquals(status, a.status(), path + ": " + a);
        return a;
    }

    private static String error(AccessProbe.Answer a) throws IOException {
        return Json.MAPPER.readTree(a.body()).path("error").asText();
    }

    private static List<String> hostNames(AccessProbe.Answer a) throws IOException {
        List<String> out = new ArrayList<>();
        Json.MAPPER.readTree(a.body()).forEach(h -> out.add(h.path("host").asText()));
        return out.stream().sorted().toList();
    }
}
