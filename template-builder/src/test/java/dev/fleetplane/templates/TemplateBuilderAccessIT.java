package dev.fleetplane.templates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.localstack.quarkus.AccessProbe;
import dev.fleetplane.localstack.quarkus.AccessProbe.Door;
import dev.fleetplane.localstack.quarkus.LocalStackTestResource;
import dev.fleetplane.localstack.quarkus.TestTokens;
import dev.fleetplane.templates.api.TemplatesResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The template builder's doors (docs/access.md) with the test tokens file: a build and a promotion want an operator
 * (no token and an unknown token 401, a viewer 403), the catalogue a viewer, the probes stay open.
 */
@QuarkusTest
@QuarkusTestResource(LocalStackTestResource.class)
class TemplateBuilderAccessIT {

    @TestHTTPResource("/")
    URI base;

    static final List<Door> DOORS = List.of(
            // Past the door, the builder's own answers: a template name it refuses, a VM that is no template of its.
            new Door("POST /templates/builds", "/templates/builds", "{\"template\": \"Bad Name!\"}", TestTokens.OPERATOR,
                    400),
            new Door("POST /templates/{vmid}/promote", "/templates/4242/promote", null, TestTokens.OPERATOR, 404));

    @Test
    void everyMutatingEndpoint_refusesNoTokenAndViewer_andAdmitsTheOperator() {
        assertEquals(AccessProbe.mutatingEndpoints(TemplatesResource.class), AccessProbe.endpoints(DOORS),
                "every mutating endpoint of the template builder is knocked on");
        AccessProbe.knock(base, DOORS, TestTokens.VIEWER, "it-viewer");
    }

    @Test
    void theCatalogue_wantsAViewer() {
        Door templates = new Door("GET /templates", "/templates", null, TestTokens.VIEWER, 200);
        assertEquals(401, AccessProbe.call(base, templates, null).status());
        assertEquals(200, AccessProbe.call(base, templates, TestTokens.bearer(TestTokens.VIEWER)).status());
        var console = AccessProbe.call(base, templates, TestTokens.bearer(TestTokens.CONSOLE));
        assertEquals(403, console.status(), console.toString());
        assertTrue(console.body().contains("needs role viewer; token it-console has console"), console.body());
    }
}
