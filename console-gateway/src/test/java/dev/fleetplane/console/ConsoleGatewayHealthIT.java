package dev.fleetplane.console;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import dev.fleetplane.localstack.quarkus.LocalStackTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(LocalStackTestResource.class)
class ConsoleGatewayHealthIT {

    @Test
    void isReady_withItsSchemaMigratedOnTheRealDatabase() {
        given().get("/q/health/ready").then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'Database connections health check' }.status", equalTo("UP"));
    }
}
