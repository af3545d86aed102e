package dev.fleetplane.pvesim;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetplane.pvesim.qemu.GuestDefect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Template candidates whose image is broken: no guest agent, or no DHCP lease, seen through the HTTP API. */
class GuestDefectsIT {

    private static final String VM = "/nodes/pve/qemu/";
    private static final String BACKUP = "local:backup/vzdump-qemu-9000-2026_01_02-03_04_05.vma.zst";
    private PveSimulator sim;
    private PveTestClient client;

    @AfterEach
    void close() {
        if (sim != null) {
            sim.close();
        }
    }

    private void start(PveSimulatorBuilder b) {
        sim = b.apiToken(PveTestClient.TOKEN_ID, PveTestClient.SECRET)
                .seed(SeedVm.template(9003, "broken-template"), SeedVm.template(9004, "good-template"),
                        SeedVm.vm(110, "before"))
                .backupArchive(BACKUP, Map.of("name", "nixos-base", "cores", "2", "memory", "2048",
                        "net0", "virtio=BC:24:11:00:00:01,bridge=vmbr0", "scsi0", "local-lvm:vm-9000-disk-0,size=8G",
                        "agent", "1"))
                .build().start();
        client = new PveTestClient(sim);
    }

    private void ok(PveTestClient.Response r) {
        assertEquals(200, r.status(), r.body()::toString);
        assertEquals("OK", client.awaitTask("pve", r.data().asText()).get("exitstatus").asText());
    }

    private void cloneAndStart(int source, int newid) {
        ok(client.post(VM + source + "/clone", "newid", Integer.toString(newid), "name", "vm-" + newid));
        ok(client.post(VM + newid + "/status/start"));
    }

    private void assertAgentNotRunning(int vmid) throws java.io.IOException {
        // Proxmox puts the error in the reason phrase too, which java.net.http does not show
        assertEquals("HTTP/1.1 500 QEMU guest agent is not running", client.rawHead("GET",
                VM + vmid + "/agent/get-host-name", "PVEAPIToken=" + PveTestClient.TOKEN_ID + "=" + PveTestClient.SECRET)
                .statusLine());
        for (PveTestClient.Response r : List.of(client.post(VM + vmid + "/agent/ping"),
                client.get(VM + vmid + "/agent/network-get-interfaces"), client.get(VM + vmid + "/agent/get-osinfo"),
                client.post(VM + vmid + "/agent", "command", "get-host-name"))) {
            assertEquals(500, r.status(), r.body()::toString);
            assertEquals("QEMU guest agent is not running\n", r.body().get("message").asText());
        }
    }

    private List<String> addresses(int vmid) {
        PveTestClient.Response r = client.get(VM + vmid + "/agent/network-get-interfaces");
        assertEquals(200, r.status(), r.body()::toString);
        List<String> out = new ArrayList<>();
        for (JsonNode nic : r.data().get("result")) {
            for (JsonNode a : nic.get("ip-addresses")) {
                out.add(a.get("ip-address").asText());
            }
        }
        return out;
    }

    @Test
    void clonesOfABrokenTemplate_haveNoAgent_othersAndTheirClonesDiffer() throws Exception {
        start(PveSimulator.builder().faults(f -> f.guestDefectInClonesOf(9003, GuestDefect.NO_AGENT, true)));
        cloneAndStart(9003, 120);
        cloneAndStart(9004, 121);

        assertAgentNotRunning(120);
        assertEquals(200, client.post(VM + "121/agent/ping").status());
        assertEquals("running", client.get(VM + "120/status/current").data().get("status").asText(),
                "the VM runs; only its agent does not");

        // A clone copies the disk, and with it the broken image, whatever the switches say now.
        sim.faults().clear();
        ok(client.post(VM + "120/status/stop"));
        cloneAndStart(120, 122);
        assertAgentNotRunning(122);
    }

    @Test
    void everyNewVm_withoutDhcp_reportsOnlyLoopbackAndLinkLocal_butVmsMadeBeforeKeepTheirLease() {
        start(PveSimulator.builder());
        sim.faults().guestDefectInNewVms(GuestDefect.NO_DHCP, true);
        ok(client.post(VM + "110/status/start"));
        cloneAndStart(9004, 130);
        ok(client.post("/nodes/pve/qemu", "vmid", "131", "archive", BACKUP, "unique", "1"));
        ok(client.post(VM + "131/status/start"));

        assertTrue(addresses(110).contains(sim.guestAddress(110)), "a VM seeded before the switch has its IPv4");
        for (int vmid : new int[] {130, 131}) {
            List<String> addresses = addresses(vmid);
            assertEquals(3, addresses.size(), addresses::toString);
            assertEquals("127.0.0.1", addresses.get(0));
            assertEquals("::1", addresses.get(1));
            assertTrue(addresses.get(2).startsWith("fe80::"), addresses::toString);
        }
        assertEquals(200, client.post(VM + "131/agent/ping").status(), "the agent itself answers");

        sim.faults().guestDefectInNewVms(GuestDefect.NO_DHCP, false);
        cloneAndStart(9004, 132);
        assertTrue(addresses(132).contains(sim.guestAddress(132)), "switched off: new VMs get their lease again");
    }

    @Test
    void restoredCandidate_withoutAgent_cannotBeShutDownCleanly() throws Exception {
        start(PveSimulator.builder().faults(f -> f.guestDefectInNewVms(GuestDefect.NO_AGENT, true)));
        ok(client.post("/nodes/pve/qemu", "vmid", "140", "archive", BACKUP));
        ok(client.post(VM + "140/status/start"));
        assertAgentNotRunning(140);
        JsonNode task = client.awaitTask("pve", client.post(VM + "140/status/shutdown", "timeout", "1").data().asText());
        assertEquals("VM quit/powerdown failed - got timeout", task.get("exitstatus").asText(),
                "with the agent dead the guest only hears ACPI, which it ignores");
    }
}
