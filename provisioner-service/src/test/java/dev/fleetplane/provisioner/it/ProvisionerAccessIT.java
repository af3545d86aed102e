package dev.fleetplane.provisioner.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.localstack.quarkus.AccessProbe;
import dev.fleetplane.localstack.quarkus.AccessProbe.Door;
import dev.fleetplane.localstack.quarkus.LocalStackTestResource;
import dev.fleetplane.localstack.quarkus.TestTokens;
import dev.fleetplane.provisioner.saga.SagaResource;
import dev.fleetplane.provisioner.steps.IntegrationResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The provisioner's doors (docs/access.md) with the test tokens file: retry wants an operator (no token and an
 * unknown token 401, a viewer 403); the sagas are read by a viewer; the probes stay open. The same test resources as
 * ProvisionerIT, so both run in one application.
 */
@QuarkusTest
@QuarkusTestResource(LocalStackTestResource.class)
@QuarkusTestResource(SimulatedGuests.class)
class ProvisionerAccessIT {

    @TestHTTPResource("/")
    URI base;

    static final List<Door> DOORS = List.of(
            // Past the door, the saga's own answer: no saga for that host.
            new Door("POST /sagas/{host}/retry", "/sagas/no-such-host/retry", null, TestTokens.OPERATOR, 404));

    @Test
    void everyMutatingEndpoint_refusesNoTokenAndViewer_andAdmitsTheOperator() {
        assertEquals(AccessProbe.mutatingEndpoints(SagaResource.class, IntegrationResource.class),
                AccessProbe.endpoints(DOORS), "every mutating endpoint of the provisioner is knocked on");
        AccessProbe.knock(base, DOORS, TestTokens.VIEWER, "it-viewer");
    }

    @Test
    void reads_wantAViewer() {
        Door sagas = new Door("GET /sagas", "/sagas", null, TestTokens.VIEWER, 200);
        assertEquals(401, AccessProbe.call(base, sagas, null).status());
        assertEquals(200, AccessProbe.call(base, sagas, TestTokens.bearer(TestTokens.VIEWER)).status());
        assertEquals(200, AccessProbe.call(base, sagas, TestTokens.bearer(TestTokens.OPERATOR)).status());
        var ci = AccessProbe.call(base, sagas, TestTokens.bearer(TestTokens.CI));
        assertEquals(403, ci.status(), ci.toString());
        assertTrue(ci.body().contains("needs role viewer; token it-ci has ci"), ci.body());
        assertEquals(200, AccessProbe.call(base, new Door("GET /q/health", "/q/health/live", null, null, 200), null)
                .status());
    }

    @Test
    void aTokenLimitedToWebHosts_isRefusedAnotherHostsSaga_andSeesOnlyItsHostsSagas() throws Exception {
        String web = TestTokens.bearer(TestTokens.VIEWER_WEB);
        var db = AccessProbe.call(base, new Door("GET /sagas/{host}", "/sagas/db-1", null, null, 403), web);
        assertEquals(403, db.status(), db.toString());
        assertEquals("{\"error\":\"token it-viewer-web may only see hosts web*, not 'db-1'\"}", db.body());
        var integration = AccessProbe.call(base, new Door("GET /sagas/{host}/integration", "/sagas/db-1/integration",
                null, null, 403), web);
        assertEquals(403, integration.status(), integration.toString());
        var retry = AccessProbe.call(base, new Door("POST /sagas/{host}/retry", "/sagas/db-1/retry", null, null, 403),
                TestTokens.bearer(TestTokens.VIEWER_WEB));
        assertEquals(403, retry.status(), "a viewer may not retry at all: " + retry);
        var all = AccessProbe.call(base, new Door("GET /sagas", "/sagas", null, null, 200), web);
        assertEquals(200, all.status(), all.toString());
        for (var saga : dev.fleetplane.events.Json.MAPPER.readTree(all.body())) {
            assertTrue(saga.path("host").asText().startsWith("web"), all.body());
        }
        var expired = AccessProbe.call(base, DOORS.get(0), TestTokens.bearer(TestTokens.EXPIRED));
        assertEquals(401, expired.status(), expired.toString());
        assertEquals("{\"error\":\"token it-expired expired at 2020-01-01T00:00:00Z\"}", expired.body());
    }
}
