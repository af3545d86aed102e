package dev.fleetplane.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.junit.jupiter.api.Test;

/**
 * The planner's doors (docs/access.md) against the real service with the test tokens file: every mutating endpoint
 * refuses no token and an unknown token (401), a viewer (403, naming the role), and lets its role through; reads want
 * viewer or ci; the probes stay open.
 */
@QuarkusTest
@QuarkusTestResource(LocalStackTestResource.class)
class PlannerAccessIT {

    @TestHTTPResource("/")
    URI base;

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
}
