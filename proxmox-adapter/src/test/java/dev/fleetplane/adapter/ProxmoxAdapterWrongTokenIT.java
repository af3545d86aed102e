package dev.fleetplane.adapter;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.Topics;
import dev.fleetplane.events.pve.PveOperationFailed;
import dev.fleetplane.events.pve.SyncInventory;
import dev.fleetplane.localstack.quarkus.LocalStackTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** The adapter holding a secret Proxmox does not accept. */
@QuarkusTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@QuarkusTestResource(LocalStackTestResource.class)
@QuarkusTestResource(value = PveSimulatorTestResource.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = "adapter-secret", value = ProxmoxAdapterWrongTokenIT.WRONG_SECRET))
class ProxmoxAdapterWrongTokenIT {

    static final String WRONG_SECRET = "0badc0de-0000-4000-8000-feedfacecafe";

    @Test
    @Order(2)
    void readiness_isDownNamingTheUrlAndTheFailure_neverTheSecret_alsoWithProxmoxGone() {
        String url = PveSimulatorTestResource.simulator().url();
        String body = given().get("/q/health/ready").then().statusCode(503)
                .body("checks.find { it.name == 'Proxmox VE API' }.status", equalTo("DOWN"))
                .body("checks.find { it.name == 'Proxmox VE API' }.data.url", equalTo(url))
                .body("checks.find { it.name == 'Proxmox VE API' }.data.reason", containsString(url + "/version"))
                .body("checks.find { it.name == 'Proxmox VE API' }.data.reason", containsString("401"))
                .body("checks.find { it.name == 'Kafka' }.status", equalTo("UP"))
                .extract().asString();
        assertFalse(body.contains(WRONG_SECRET), body);
        given().get("/q/health/live").then().statusCode(200);

        PveSimulatorTestResource.simulator().close(); // the last test of this class: Proxmox is gone
        given().get("/q/health/ready").then().statusCode(503)
                .body("checks.find { it.name == 'Proxmox VE API' }.status", equalTo("DOWN"))
                .body("checks.find { it.name == 'Proxmox VE API' }.data.reason", containsString(url));
        given().get("/q/health/live").then().statusCode(200);
    }

    @Test
    @Order(1)
    void wrongToken_failsAsUnauthorized_namingUrlAndTokenId_neverTheSecret() {
        try (KafkaProbe probe = new KafkaProbe(LocalStackTestResource.current().kafkaBootstrapServers(), Topics.PVE_EVENTS)) {
            FleetEvent sync = FleetEvent.create(EventCatalog.SYNC_INVENTORY, "/fleetplane/adapter-it", "inventory",
                    new SyncInventory("wrong-token-it"), null);
            probe.send("inventory", sync);
            ConsumerRecord<String, byte[]> r = probe.await("failure of " + sync.id(),
                    KafkaProbe.causedBy(sync, EventCatalog.PVE_OPERATION_FAILED.type()), Duration.ofSeconds(30));
            PveOperationFailed failed = KafkaProbe.decode(r).dataAs(EventCatalog.PVE_OPERATION_FAILED);

            assertEquals("unauthorized", failed.failure());
            assertEquals(401, failed.httpStatus());
            assertFalse(failed.retryable());
            String url = PveSimulatorTestResource.simulator().url() + "/cluster/resources";
            assertTrue(failed.message().contains(url), failed.message());
            assertTrue(failed.message().contains(PveSimulatorTestResource.TOKEN_ID), failed.message());
            String wire = new String(r.value(), StandardCharsets.UTF_8);
            assertFalse(wire.contains(WRONG_SECRET), wire);
            assertFalse(wire.contains(PveSimulatorTestResource.SECRET), wire);
        }
    }
}
