package dev.fleetplane.templates;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.localstack.quarkus.LocalStackTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(LocalStackTestResource.class)
class TemplateBuilderHealthIT {

    @Test
    void isReady_withItsSchemaMigratedOnTheRealDatabase_andKafkaReachable() {
        given().get("/q/health/ready").then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'PostgreSQL' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'Kafka' }.status", equalTo("UP"));
        given().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void metrics_showTheOutboxBacklog_openApiListsTheTemplatesApi() {
        String scrape = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(scrape.lines().anyMatch(l -> l.startsWith("fleetplane_outbox_backlog")), scrape);
        given().get("/q/openapi?format=json").then().statusCode(200)
                .body("info.title", equalTo("fleetplane template builder API"))
                .body("paths.keySet()", hasItems("/templates", "/templates/builds", "/templates/builds/{id}"));
    }
}
