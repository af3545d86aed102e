package dev.fleetplane.console;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.localstack.quarkus.LocalStackTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(LocalStackTestResource.class)
class ConsoleGatewayHealthIT {

    private static final String PROXMOX = "Proxmox VE API";

    @Test
    void isReady_withItsSchemaMigratedOnTheRealDatabase_KafkaAndTheProxmoxApiOfItsBackend() {
        given().get("/q/health/ready").then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'PostgreSQL' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'Kafka' }.status", equalTo("UP"))
                .body("checks.find { it.name == '" + PROXMOX + "' }.status", equalTo("UP"))
                .body("checks.find { it.name == '" + PROXMOX + "' }.data.url", equalTo(ConsoleWorld.sim.url()));
        given().get("/q/health/live").then().statusCode(200).body("checks.name", not(hasItem(PROXMOX)));
    }

    @Test
    void metrics_showTheConsoleGaugesAndTheProxmoxCallLatency_openApiListsTheSessionsApi() {
        given().get("/q/health/ready").then().statusCode(200); // one GET /version through the backend's client
        String scrape = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(series(scrape, "fleetplane_console_sessions"), scrape);
        assertTrue(series(scrape, "fleetplane_console_viewers"), scrape);
        assertTrue(series(scrape, "fleetplane_pve_call_seconds_count", "operation=\"version\"", "method=\"GET\""),
                scrape);
        given().get("/q/openapi?format=json").then().statusCode(200)
                .body("info.title", equalTo("fleetplane console gateway API"))
                .body("paths.keySet()", hasItems("/console/sessions", "/console/sessions/{session}/transcript"));
    }

    /** Whether the Prometheus text has a sample of {@code name} carrying every label given as {@code key="value"}. */
    static boolean series(String scrape, String name, String... labels) {
        return scrape.lines().filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .anyMatch(l -> java.util.Arrays.stream(labels).allMatch(l::contains));
    }
}
