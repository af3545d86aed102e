package dev.fleetplane.adapter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.Topics;
import dev.fleetplane.events.pve.InventoryObserved;
import dev.fleetplane.events.pve.SyncInventory;
import dev.fleetplane.localstack.quarkus.LocalStackTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The adapter talking HTTPS to a self-signed node whose certificate fingerprint it pins. */
@QuarkusTest
@QuarkusTestResource(LocalStackTestResource.class)
@QuarkusTestResource(value = PveSimulatorTestResource.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = "tls", value = "pinned"))
class ProxmoxAdapterPinnedTlsIT {

    @Test
    void pinnedFingerprint_overHttps_readsTheInventory() {
        assertTrue(PveSimulatorTestResource.simulator().url().startsWith("https://"));
        try (KafkaProbe probe = new KafkaProbe(LocalStackTestResource.current().kafkaBootstrapServers(), Topics.PVE_EVENTS)) {
            FleetEvent sync = FleetEvent.create(EventCatalog.SYNC_INVENTORY, "/fleetplane/adapter-it", "inventory",
                    new SyncInventory("pinned-tls-it"), null);
            probe.send("inventory", sync);
            InventoryObserved seen = KafkaProbe.decode(probe.await("inventory of " + sync.id(),
                    KafkaProbe.causedBy(sync, EventCatalog.INVENTORY_OBSERVED.type()), Duration.ofSeconds(30)))
                    .dataAs(EventCatalog.INVENTORY_OBSERVED);
            assertEquals(PveSimulatorTestResource.simulator().url(), seen.pveUrl());
            assertTrue(seen.vms().stream().anyMatch(vm -> vm.vmid() == PveSimulatorTestResource.TEMPLATE), seen.toString());
        }
    }
}
