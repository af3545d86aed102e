package dev.fleetplane.pvesim;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TransportAndAuthIT {

    private PveSimulator sim;

    private PveSimulator start(PveSimulatorBuilder b) {
        sim = b.apiToken(PveTestClient.TOKEN_ID, PveTestClient.SECRET).seed(SeedVm.vm(110, "dev")).build().start();
        return sim;
    }

    @AfterEach
    void close() {
        if (sim != null) {
            sim.close();
        }
    }

    @Test
    void request_withoutAuthorization_is401NoTicketWithEmptyBodyAndClosedConnection() throws Exception {
        start(PveSimulator.builder());
        PveTestClient.RawHead head = new PveTestClient(sim).rawHead("GET", "/version", null);
        assertEquals("HTTP/1.1 401 No ticket", head.statusLine());
        assertEquals("0", head.headers().get("content-length"));
        assertEquals("close", head.headers().get("connection"));
        assertEquals("pve-api-daemon/3.0", head.headers().get("server"));
    }

    @Test
    void request_withWrongSecret_is401AuthenticationFailed() throws Exception {
        start(PveSimulator.builder());
        PveTestClient client = new PveTestClient(sim);
        assertEquals("HTTP/1.1 401 Authentication failed!",
                client.rawHead("GET", "/version", "PVEAPIToken=" + PveTestClient.TOKEN_ID + "=wrong").statusLine());
        assertEquals("HTTP/1.1 401 Authentication failed!",
                client.rawHead("GET", "/version", "PVEAPIToken=nobody@pam!x=" + PveTestClient.SECRET).statusLine());
        assertEquals(401, new PveTestClient(sim, "PVEAPIToken=" + PveTestClient.TOKEN_ID + "=wrong").get("/version").status());
    }

    @Test
    void legacyAuthReasons_sayWhyTheTokenWasRejected() throws Exception {
        start(PveSimulator.builder().detailedAuthFailures(true));
        PveTestClient client = new PveTestClient(sim);
        assertEquals("HTTP/1.1 401 invalid token value!",
                client.rawHead("GET", "/version", "PVEAPIToken=" + PveTestClient.TOKEN_ID + "=wrong").statusLine());
        assertEquals("HTTP/1.1 401 no tokenid specified",
                client.rawHead("GET", "/version", "PVEAPIToken=garbage").statusLine());
        assertEquals("HTTP/1.1 401 no such token 'other' for user 'root@pam'",
                client.rawHead("GET", "/version", "PVEAPIToken=root@pam!other=x").statusLine());
    }

    @Test
    void tokenHeader_withSpaceSeparatorAndEscapedBang_isAccepted() throws Exception {
        start(PveSimulator.builder());
        PveTestClient client = new PveTestClient(sim);
        assertEquals("HTTP/1.1 200 OK",
                client.rawHead("GET", "/version", "PVEAPIToken root@pam%21fleetplane=" + PveTestClient.SECRET).statusLine());
    }

    @Test
    void success_isDataEnvelopeWithProxmoxHeadersAndKeepAlive() {
        start(PveSimulator.builder().pveVersion("9.1.2"));
        PveTestClient.Response r = new PveTestClient(sim).get("/version");
        assertEquals(200, r.status());
        assertEquals("application/json;charset=UTF-8", r.header("content-type"));
        assertEquals("pve-api-daemon/3.0", r.header("server"));
        assertEquals("9.1.2", r.data().get("version").asText());
        assertEquals("9.1", r.data().get("release").asText());
        assertTrue(r.data().get("repoid").asText().matches("[0-9a-f]{16}"));
    }

    @Test
    void serverError_putsMessageInReasonPhraseAndBody() throws Exception {
        start(PveSimulator.builder());
        PveTestClient client = new PveTestClient(sim);
        PveTestClient.RawHead head = client.rawHead("GET", "/nodes/pve/qemu/4242/config",
                "PVEAPIToken=" + PveTestClient.TOKEN_ID + "=" + PveTestClient.SECRET);
        assertEquals("HTTP/1.1 500 Configuration file 'nodes/pve/qemu-server/4242.conf' does not exist", head.statusLine());
        assertEquals("close", head.headers().get("connection"));
        PveTestClient.Response r = client.get("/nodes/pve/qemu/4242/config");
        assertTrue(r.body().get("data").isNull());
        assertEquals("Configuration file 'nodes/pve/qemu-server/4242.conf' does not exist\n", r.body().get("message").asText());
    }

    @Test
    void olderServers_omitMessageFromErrorBodies() {
        start(PveSimulator.builder().errorMessageInBody(false));
        PveTestClient.Response r = new PveTestClient(sim).get("/nodes/pve/qemu/4242/config");
        assertEquals(500, r.status());
        assertFalse(r.body().has("message"));
        assertTrue(r.body().has("data"));
    }

    @Test
    void unknownParameter_is400WithPerParameterErrors() {
        start(PveSimulator.builder());
        PveTestClient.Response r = new PveTestClient(sim).get("/cluster/resources?type=vm&bogus=1");
        assertEquals(400, r.status());
        assertEquals("property is not defined in schema and the schema does not allow additional properties",
                r.body().get("errors").get("bogus").asText());
        assertEquals("Parameter verification failed.\n", r.body().get("message").asText());
    }

    @Test
    void unknownPath_is501NotImplemented() throws Exception {
        start(PveSimulator.builder());
        assertEquals("HTTP/1.1 501 Method 'GET /nodes/pve/qemu/110/nonsense' not implemented",
                new PveTestClient(sim).rawHead("GET", "/nodes/pve/qemu/110/nonsense",
                        "PVEAPIToken=" + PveTestClient.TOKEN_ID + "=" + PveTestClient.SECRET).statusLine());
    }

    @Test
    void unknownNode_failsHostnameLookup() {
        start(PveSimulator.builder());
        PveTestClient.Response r = new PveTestClient(sim).get("/nodes/elsewhere/qemu/110/config");
        assertEquals(500, r.status());
        assertTrue(r.body().get("message").asText().startsWith("hostname lookup 'elsewhere' failed"));
    }

    @Test
    void jsonBody_andQueryString_areMergedWithQueryOnTop() {
        start(PveSimulator.builder());
        PveTestClient client = new PveTestClient(sim);
        PveTestClient.Response r = client.send("PUT", "/nodes/pve/qemu/110/config?cores=3", null);
        assertEquals(200, r.status());
        java.net.http.HttpRequest req = java.net.http.HttpRequest.newBuilder(java.net.URI.create(sim.url() + "/nodes/pve/qemu/110/config?cores=6"))
                .header("Authorization", "PVEAPIToken=" + PveTestClient.TOKEN_ID + "=" + PveTestClient.SECRET)
                .header("Content-Type", "application/json")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"cores\":2,\"onboot\":true,\"name\":\"dev2\"}"))
                .build();
        try {
            int status = java.net.http.HttpClient.newHttpClient().send(req, java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode();
            assertEquals(200, status);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        JsonNode config = client.get("/nodes/pve/qemu/110/config").data();
        assertEquals(6, config.get("cores").asInt());
        assertEquals(1, config.get("onboot").asInt());
        assertEquals("dev2", config.get("name").asText());
    }

    @Test
    void clusterResources_listQemuEntriesWithProxmoxKeys_andNextidIsAString() {
        start(PveSimulator.builder());
        PveTestClient client = new PveTestClient(sim);
        JsonNode vm = client.get("/cluster/resources?type=vm").data().get(0);
        for (String key : new String[]{"id", "type", "vmid", "name", "node", "status", "template", "maxcpu", "maxmem",
                "maxdisk", "mem", "cpu", "disk", "uptime", "netin", "netout", "diskread", "diskwrite"}) {
            assertTrue(vm.has(key), "cluster/resources entry lacks " + key + ": " + vm);
        }
        assertEquals("qemu/110", vm.get("id").asText());
        assertEquals(0, vm.get("template").asInt());
        assertNull(vm.get("lock"));
        JsonNode next = client.get("/cluster/nextid").data();
        assertTrue(next.isTextual());
        assertEquals("100", next.asText());
        PveTestClient.Response taken = client.get("/cluster/nextid?vmid=110");
        assertEquals(400, taken.status());
        assertEquals("VM 110 already exists", taken.body().get("errors").get("vmid").asText());
        assertEquals("4242", client.get("/cluster/nextid?vmid=4242").data().asText());
    }
}
