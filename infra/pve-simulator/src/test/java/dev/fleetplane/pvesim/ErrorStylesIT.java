package dev.fleetplane.pvesim;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The error envelopes of both server generations (reference §4.1): the reason phrase always carries the first line;
 * libpve-http-server-perl >= 5.2.0 adds {@code message}, older ones send only {@code data: null} (+ {@code errors}).
 */
class ErrorStylesIT {

    private static final String AUTH = "PVEAPIToken=" + PveTestClient.TOKEN_ID + "=" + PveTestClient.SECRET;
    private PveSimulator sim;
    private PveTestClient client;

    private void start(boolean messageInBody) {
        sim = PveSimulator.builder().apiToken(PveTestClient.TOKEN_ID, PveTestClient.SECRET)
                .errorMessageInBody(messageInBody)
                .taskDuration("qmclone", Duration.ofSeconds(5))
                .seed(SeedVm.template(9003, "nixos-template"))
                .build().start();
        client = new PveTestClient(sim);
    }

    @AfterEach
    void close() {
        if (sim != null) {
            sim.close();
        }
    }

    private void assertMessage(boolean messageInBody, PveTestClient.Response r, String text) {
        assertTrue(r.body().get("data").isNull(), r.body().toString());
        if (messageInBody) {
            assertEquals(text + "\n", r.body().get("message").asText());
        } else {
            assertFalse(r.body().has("message"), r.body().toString());
        }
    }

    @ParameterizedTest(name = "message in body: {0}")
    @ValueSource(booleans = {true, false})
    void locked_is500_withTheLockInTheReasonPhrase(boolean messageInBody) throws Exception {
        start(messageInBody);
        assertEquals(200, client.post("/nodes/pve/qemu/9003/clone", "newid", "120").status());
        PveTestClient.Response r = client.put("/nodes/pve/qemu/120/config", "cores", "2");
        assertEquals(500, r.status());
        assertMessage(messageInBody, r, "VM is locked (clone)");
        assertFalse(r.body().has("errors"));
        assertEquals("HTTP/1.1 500 VM is locked (clone)",
                client.rawHead("POST", "/nodes/pve/qemu/120/template", AUTH).statusLine());
    }

    @ParameterizedTest(name = "message in body: {0}")
    @ValueSource(booleans = {true, false})
    void parameterErrors_are400_withErrorsPerParameter(boolean messageInBody) throws Exception {
        start(messageInBody);
        PveTestClient.Response r = client.get("/cluster/nextid?vmid=9003");
        assertEquals(400, r.status());
        assertEquals("VM 9003 already exists", r.body().get("errors").get("vmid").asText());
        assertMessage(messageInBody, r, "Parameter verification failed.");
        assertEquals("HTTP/1.1 400 Parameter verification failed.",
                client.rawHead("GET", "/cluster/resources?bogus=1", AUTH).statusLine());
    }

    @ParameterizedTest(name = "message in body: {0}")
    @ValueSource(booleans = {true, false})
    void missingVm_is500_configurationFileDoesNotExist(boolean messageInBody) throws Exception {
        start(messageInBody);
        PveTestClient.Response r = client.get("/nodes/pve/qemu/4242/config");
        assertEquals(500, r.status());
        assertMessage(messageInBody, r, "Configuration file 'nodes/pve/qemu-server/4242.conf' does not exist");
        assertEquals("HTTP/1.1 500 Configuration file 'nodes/pve/qemu-server/4242.conf' does not exist",
                client.rawHead("GET", "/nodes/pve/qemu/4242/config", AUTH).statusLine());
    }
}
