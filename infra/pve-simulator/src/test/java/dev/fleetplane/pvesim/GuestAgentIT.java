package dev.fleetplane.pvesim;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GuestAgentIT {

    private static final String VM = "/nodes/pve/qemu/";
    private PveSimulator sim;
    private PveTestClient client;

    @AfterEach
    void close() {
        if (sim != null) {
            sim.close();
        }
    }

    private void start(Duration bootDelay, Duration dhcpDelay) {
        sim = PveSimulator.builder().apiToken(PveTestClient.TOKEN_ID, PveTestClient.SECRET)
                .guestBootDelay(bootDelay).guestDhcpDelay(dhcpDelay)
                .seed(SeedVm.vm(110, "dev"), SeedVm.vm(111, "noagent").withAgent(false))
                .build().start();
        client = new PveTestClient(sim);
    }

    private void assertAgentError(String path, String message) {
        PveTestClient.Response r = path.endsWith("ping") ? client.post(path) : client.get(path);
        assertEquals(500, r.status(), () -> path + " -> " + r.body());
        assertEquals(message + "\n", r.body().get("message").asText());
    }

    @Test
    void agent_withoutAgentConfigured_isNotConfiguredError() {
        start(Duration.ZERO, Duration.ZERO);
        assertAgentError(VM + "111/agent/network-get-interfaces", "No QEMU guest agent configured");
    }

    @Test
    void agent_ofStoppedVm_saysVmIsNotRunning() {
        start(Duration.ZERO, Duration.ZERO);
        assertAgentError(VM + "110/agent/ping", "VM 110 is not running");
    }

    @Test
    void agent_isNotRunningDuringBoot_thenReportsGuestAddressOnNet0Mac() {
        start(Duration.ofMillis(500), Duration.ZERO);
        client.awaitTask("pve", client.post(VM + "110/status/start").data().asText());
        assertAgentError(VM + "110/agent/network-get-interfaces", "QEMU guest agent is not running");
        assertAgentError(VM + "110/agent/ping", "QEMU guest agent is not running");

        JsonNode result = awaitInterfaces(110);
        String mac = client.get(VM + "110/config").data().get("net0").asText().split(",")[0].split("=")[1];
        JsonNode lo = result.get(0);
        assertEquals("lo", lo.get("name").asText());
        assertEquals("127.0.0.1", lo.get("ip-addresses").get(0).get("ip-address").asText());
        assertEquals("::1", lo.get("ip-addresses").get(1).get("ip-address").asText());
        JsonNode nic = result.get(1);
        assertEquals("ens18", nic.get("name").asText());
        assertEquals(mac.toLowerCase(Locale.ROOT), nic.get("hardware-address").asText());
        JsonNode v4 = nic.get("ip-addresses").get(0);
        assertEquals(sim.guestAddress(110), v4.get("ip-address").asText());
        assertEquals("ipv4", v4.get("ip-address-type").asText());
        JsonNode v6 = nic.get("ip-addresses").get(1);
        assertTrue(v6.get("ip-address").asText().startsWith("fe80::be24:11ff:fe"), v6.toString());
        assertEquals(64, v6.get("prefix").asInt());
        assertEquals(200, client.post(VM + "110/agent/ping").status());
        assertEquals("{}", client.post(VM + "110/agent/ping").data().get("result").toString());
    }

    @Test
    void agent_beforeDhcpLease_reportsOnlyLinkLocalOnTheNic() {
        start(Duration.ZERO, Duration.ofSeconds(30));
        client.awaitTask("pve", client.post(VM + "110/status/start").data().asText());
        JsonNode nic = client.get(VM + "110/agent/network-get-interfaces").data().get("result").get(1);
        assertEquals(1, nic.get("ip-addresses").size());
        assertEquals("ipv6", nic.get("ip-addresses").get(0).get("ip-address-type").asText());
    }

    @Test
    void agentCommand_viaGenericEndpoint_answersPing() {
        start(Duration.ZERO, Duration.ZERO);
        client.awaitTask("pve", client.post(VM + "110/status/start").data().asText());
        PveTestClient.Response r = client.post(VM + "110/agent", "command", "ping");
        assertEquals(200, r.status());
        assertTrue(r.data().get("result").isObject());
    }

    private JsonNode awaitInterfaces(int vmid) {
        long deadline = System.currentTimeMillis() + 5000;
        while (true) {
            PveTestClient.Response r = client.get(VM + vmid + "/agent/network-get-interfaces");
            if (r.status() == 200) {
                return r.data().get("result");
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("agent never came up: " + r.body());
            }
            PveTestClient.sleep(50);
        }
    }
}
