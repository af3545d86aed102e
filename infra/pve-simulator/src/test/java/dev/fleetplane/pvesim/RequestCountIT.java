package dev.fleetplane.pvesim;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The per-endpoint request counter and seeding many VMs into a running simulator. */
class RequestCountIT {

    private PveSimulator sim;

    @AfterEach
    void close() {
        if (sim != null) {
            sim.close();
        }
    }

    @Test
    void requests_areCountedPerRoutedEndpoint_andReset() {
        sim = PveSimulator.builder().apiToken(PveTestClient.TOKEN_ID, PveTestClient.SECRET)
                .seed(SeedVm.vm(110, "dev")).build().start();
        PveTestClient client = new PveTestClient(sim);
        client.get("/cluster/resources?type=vm");
        client.get("/cluster/resources?type=vm");
        client.get("/nodes/pve/qemu/110/config");
        client.get("/nodes/pve/qemu/999/config"); // a 500 is a request too
        client.get("/nodes/pve/nothing-here");
        new PveTestClient(sim, "PVEAPIToken=" + PveTestClient.TOKEN_ID + "=wrong").get("/version");

        assertEquals(Map.of("GET /cluster/resources", 2L, "GET /nodes/{node}/qemu/{vmid}/config", 2L,
                "GET /nodes/pve/nothing-here", 1L, "GET /version", 1L), sim.requestCounts());
        assertEquals(6, sim.requestCount());
        assertEquals(2, sim.requestCount("GET /cluster/resources"));
        assertEquals(0, sim.requestCount("DELETE /nodes/{node}/qemu/{vmid}"));

        sim.resetCounts();
        assertEquals(0, sim.requestCount());
        assertEquals(Map.of(), sim.requestCounts());
    }

    @Test
    void batchSeeding_atStartAndWhileRunning_addsVmsWithoutCountingRequests() {
        sim = PveSimulator.builder().apiToken(PveTestClient.TOKEN_ID, PveTestClient.SECRET)
                .seed(SeedVm.batch(1000, 10, "web")).build().start();
        sim.seed(SeedVm.batch(2000, 990, "db"));
        assertEquals(0, sim.requestCount());

        PveTestClient client = new PveTestClient(sim);
        var vms = client.get("/cluster/resources?type=vm").data();
        assertEquals(1000, vms.size());
        assertEquals("db-2989", client.get("/nodes/pve/qemu/2989/config").data().get("name").asText());
        assertTrue(client.get("/nodes/pve/qemu/1001/config").data().get("cores").asInt() == 2);

        var clash = assertThrows(IllegalArgumentException.class, () -> sim.seed(SeedVm.batch(1005, 1, "x")));
        assertTrue(clash.getMessage().contains("seed VM 1005: the VMID exists already"), clash.getMessage());
    }
}
