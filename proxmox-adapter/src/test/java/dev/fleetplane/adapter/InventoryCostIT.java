package dev.fleetplane.adapter;

import static dev.fleetplane.adapter.KafkaProbe.causedBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.Topics;
import dev.fleetplane.events.pve.InventoryObserved;
import dev.fleetplane.events.pve.SyncInventory;
import dev.fleetplane.localstack.quarkus.LocalStackTestResource;
import dev.fleetplane.proxmox.client.ProxmoxClient;
import dev.fleetplane.pvesim.PveSimulator;
import dev.fleetplane.pvesim.SeedVm;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What one {@code SyncInventory} costs in Proxmox API calls, counted by the simulator: the first sync reads every
 * VM's and template's config once, an unchanged fleet costs one call, a changed VM one more. Prints the figures.
 */
@QuarkusTest
@QuarkusTestResource(LocalStackTestResource.class)
@QuarkusTestResource(value = PveSimulatorTestResource.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = "foreign-vm", value = "false"))
class InventoryCostIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static KafkaProbe events;

    @Inject
    ProxmoxClient pve;

    @Inject
    DataSource dataSource;

    /** Calls of the first (cold cache), second (unchanged) and third (one VM changed) sync. */
    record Costs(int vms, long first, long second, long third, Map<String, Long> firstByEndpoint) {
    }

    private static int lastEventBytes;

    @BeforeAll
    static void connect() {
        events = new KafkaProbe(LocalStackTestResource.current().kafkaBootstrapServers(), Topics.PVE_EVENTS);
    }

    @AfterAll
    static void disconnect() {
        if (events != null) {
            events.close();
        }
    }

    @Test
    void syncCosts_onePlusNPlusTheTemplate_thenOne_thenTwoAfterOneVmChanged_at10And1000Vms() throws Exception {
        PveSimulator sim = PveSimulatorTestResource.simulator();
        sim.seed(SeedVm.batch(1000, 10, "small"));
        Costs ten = measure(sim, 10, 1003);
        sim.seed(SeedVm.batch(2000, 990, "big"));
        Costs thousand = measure(sim, 1000, 2500);

        for (Costs c : new Costs[] {ten, thousand}) {
            System.out.printf("INVENTORY-COST vms=%d (+1 template): first sync %d calls, unchanged sync %d call(s),"
                    + " after changing one VM %d calls; first sync by endpoint %s%n", c.vms(), c.first(), c.second(),
                    c.third(), c.firstByEndpoint());
        }
        assertEquals(new Costs(10, 12, 1, 2, ten.firstByEndpoint()), ten);
        assertEquals(new Costs(1000, 1002, 1, 2, thousand.firstByEndpoint()), thousand);
        assertEquals(Map.of("GET /cluster/resources", 1L, "GET /nodes/{node}/qemu/{vmid}/config", 1001L),
                thousand.firstByEndpoint(), "the template's config is read once too (its boot disk), then cached");
    }

    private Costs measure(PveSimulator sim, int vms, int changeVmid) throws Exception {
        try (var c = dataSource.getConnection(); var st = c.createStatement()) {
            st.executeUpdate("DELETE FROM vm_config_cache"); // a cold cache, as on the adapter's first sync
        }
        sim.resetCounts();
        InventoryObserved first = sync();
        long firstCalls = sim.requestCount();
        Map<String, Long> byEndpoint = sim.requestCounts();
        assertEquals(vms + 1, first.vms().size());
        assertNotNull(first.vms().stream().filter(v -> v.vmid() == changeVmid).findFirst().orElseThrow().config());
        assertEquals("order=scsi0;net0", first.vms().stream().filter(v -> v.template()).findFirst().orElseThrow()
                .config().get("boot"));

        sim.resetCounts();
        InventoryObserved second = sync();
        long secondCalls = sim.requestCount();
        assertEquals(first.digest(), second.digest(), "nothing changed");
        assertEquals(first.vms(), second.vms(), "the cached configs are the ones read before");

        pve.updateConfig("pve", changeVmid, Map.of("cores", "3")); // out of band, as a person in the web UI would
        sim.resetCounts();
        InventoryObserved third = sync();
        long thirdCalls = sim.requestCount();
        System.out.printf("INVENTORY-COST vms=%d: InventoryObserved record value %d bytes%n", vms, lastEventBytes);
        assertNotEquals(second.digest(), third.digest());
        assertEquals("3", third.vms().stream().filter(v -> v.vmid() == changeVmid).findFirst().orElseThrow()
                .config().get("cores"));
        return new Costs(vms, firstCalls, secondCalls, thirdCalls, byEndpoint);
    }

    private InventoryObserved sync() {
        FleetEvent cmd = FleetEvent.create(EventCatalog.SYNC_INVENTORY, "/fleetplane/adapter-it", "inventory",
                new SyncInventory("inventory-cost-it"), "cost-" + UUID.randomUUID());
        events.send("pve", cmd);
        var r = events.await("InventoryObserved for " + cmd.id(), causedBy(cmd, EventCatalog.INVENTORY_OBSERVED.type()), WAIT);
        lastEventBytes = r.value().length;
        return KafkaProbe.decode(r).dataAs(EventCatalog.INVENTORY_OBSERVED);
    }
}
