package dev.fleetplane.adapter;

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
import org.junit.jupiter.api.Test;

/** The adapter holding a secret Proxmox does not accept. */
@QuarkusTest
@QuarkusTestResource(LocalStackTestResource.class)
@QuarkusTestResource(value = PveSimulatorTestResource.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = "adapter-secret", value = ProxmoxAdapterWrongTokenIT.WRONG_SECRET))
class ProxmoxAdapterWrongTokenIT {

    static final String WRONG_SECRET = "0badc0de-0000-4000-8000-feedfacecafe";

    @Test
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
