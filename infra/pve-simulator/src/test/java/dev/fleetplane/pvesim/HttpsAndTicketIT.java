package dev.fleetplane.pvesim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HttpsAndTicketIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String USER = "root@pam";
    private static final String PASSWORD = "correct horse battery staple";
    private PveSimulator sim;

    @AfterEach
    void close() {
        if (sim != null) {
            sim.close();
        }
    }

    private PveSimulator start(PveSimulatorBuilder b) {
        sim = b.apiToken(PveTestClient.TOKEN_ID, PveTestClient.SECRET).user(USER, PASSWORD)
                .seed(SeedVm.vm(110, "dev")).build().start();
        return sim;
    }

    @Test
    void https_presentsASelfSignedCertificateWhoseSha256IsTheFingerprint_andPlainHttpStaysBeside() throws Exception {
        start(PveSimulator.builder().https(true));
        assertTrue(sim.url().startsWith("https://127.0.0.1:"), sim.url());
        assertTrue(sim.fingerprint().matches("([0-9A-F]{2}:){31}[0-9A-F]{2}"), sim.fingerprint());
        SSLContext trusting = trusting(sim.certificatePem());
        try (SSLSocket s = (SSLSocket) trusting.getSocketFactory().createSocket("127.0.0.1", sim.port())) {
            s.startHandshake();
            X509Certificate leaf = (X509Certificate) s.getSession().getPeerCertificates()[0];
            String seen = HexFormat.ofDelimiter(":").withUpperCase()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(leaf.getEncoded()));
            assertEquals(sim.fingerprint(), seen);
        }
        HttpClient https = HttpClient.newBuilder().sslContext(trusting).build();
        HttpResponse<String> r = https.send(HttpRequest.newBuilder(URI.create(sim.url() + "/version"))
                .header("Authorization", "PVEAPIToken=" + PveTestClient.TOKEN_ID + "=" + PveTestClient.SECRET).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertEquals("9.1.2", JSON.readTree(r.body()).get("data").get("version").asText());
        assertTrue(sim.plainUrl().startsWith("http://127.0.0.1:"));
        HttpResponse<String> plain = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(sim.plainUrl() + "/version"))
                .header("Authorization", "PVEAPIToken=" + PveTestClient.TOKEN_ID + "=" + PveTestClient.SECRET).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, plain.statusCode());
    }

    @Test
    void https_isRefusedByAClientThatDoesNotTrustTheCertificate() {
        start(PveSimulator.builder().https(true));
        HttpClient defaultTrust = HttpClient.newHttpClient();
        assertThrows(javax.net.ssl.SSLHandshakeException.class, () -> defaultTrust.send(
                HttpRequest.newBuilder(URI.create(sim.url() + "/version")).build(), HttpResponse.BodyHandlers.ofString()));
    }

    @Test
    void fingerprint_withoutHttps_isAClearError() {
        start(PveSimulator.builder());
        IllegalStateException e = assertThrows(IllegalStateException.class, sim::fingerprint);
        assertTrue(e.getMessage().contains("https(true)"));
    }

    @Test
    void ticketLogin_answersTicketCsrfTokenAndCaps_andTheCookieAuthenticatesReads() throws Exception {
        start(PveSimulator.builder());
        JsonNode login = login(USER, PASSWORD);
        assertEquals(200, login.get("status").asInt());
        JsonNode data = login.get("body").get("data");
        assertEquals(USER, data.get("username").asText());
        assertTrue(data.get("ticket").asText().matches("PVE:root@pam:[0-9A-F]{8}::\\S+"), data.toString());
        assertTrue(data.get("CSRFPreventionToken").asText().matches("[0-9A-F]{8}:\\S+"), data.toString());
        assertEquals(1, data.get("cap").get("vms").get("VM.Allocate").asInt());
        Raw r = raw("GET", "/nodes/pve/qemu/110/config", data.get("ticket").asText(), null, null);
        assertEquals("HTTP/1.1 200 OK", r.statusLine());
        assertEquals("dev", JSON.readTree(r.body()).get("data").get("name").asText());
    }

    @Test
    void ticketWrite_withoutCsrfToken_is401_andWithItSucceeds() throws Exception {
        start(PveSimulator.builder());
        JsonNode data = login(USER, PASSWORD).get("body").get("data");
        String ticket = data.get("ticket").asText();
        Raw denied = raw("PUT", "/nodes/pve/qemu/110/config", ticket, null, "cores=3");
        assertEquals("HTTP/1.1 401 Permission denied - invalid csrf token", denied.statusLine());
        assertEquals("", denied.body());
        Raw forged = raw("PUT", "/nodes/pve/qemu/110/config", ticket, "0000AAAA:bm90IGEgdG9rZW4", "cores=3");
        assertEquals("HTTP/1.1 401 Permission denied - invalid csrf token", forged.statusLine());
        Raw ok = raw("PUT", "/nodes/pve/qemu/110/config", ticket, data.get("CSRFPreventionToken").asText(), "cores=3");
        assertEquals("HTTP/1.1 200 OK", ok.statusLine());
        assertEquals(3, new PveTestClient(sim).get("/nodes/pve/qemu/110/config").data().get("cores").asInt());
    }

    @Test
    void login_withWrongPassword_is401AuthenticationFailureWithNullData() throws Exception {
        start(PveSimulator.builder());
        Raw r = raw("POST", "/access/ticket", null, null, "username=root%40pam&password=guess");
        assertEquals("HTTP/1.1 401 authentication failure", r.statusLine());
        JsonNode body = JSON.readTree(r.body());
        assertTrue(body.get("data").isNull());
        assertEquals(401, login("nobody@pve", PASSWORD).get("status").asInt());
    }

    @Test
    void login_withRealmApart_andWithTheTicketAsPassword_issuesANewTicket() throws Exception {
        start(PveSimulator.builder());
        Raw split = raw("POST", "/access/ticket", null, null, "username=root&realm=pam&password="
                + java.net.URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8));
        assertEquals("HTTP/1.1 200 OK", split.statusLine());
        String ticket = JSON.readTree(split.body()).get("data").get("ticket").asText();
        Raw renewed = raw("POST", "/access/ticket", null, null, "username=root%40pam&password="
                + java.net.URLEncoder.encode(ticket, StandardCharsets.UTF_8));
        assertEquals("HTTP/1.1 200 OK", renewed.statusLine());
        assertTrue(JSON.readTree(renewed.body()).get("data").get("ticket").asText().startsWith("PVE:root@pam:"));
    }

    @Test
    void forgedTicket_is401AuthenticationFailed() throws Exception {
        start(PveSimulator.builder());
        Raw r = raw("GET", "/version", "PVE:root@pam:65000000::c2lnbmF0dXJl", null, null);
        assertEquals("HTTP/1.1 401 Authentication failed!", r.statusLine());
    }

    @Test
    void privsepTokenWithoutAcls_authenticatesButIsForbidden_andSeesAnEmptyCluster() throws Exception {
        start(PveSimulator.builder().apiTokenWithoutAcls("fresh@pve!new", "s3cret-fresh"));
        PveTestClient fresh = new PveTestClient(sim, "PVEAPIToken=fresh@pve!new=s3cret-fresh");
        assertEquals(200, fresh.get("/version").status());
        PveTestClient.Response resources = fresh.get("/cluster/resources?type=vm");
        assertEquals(200, resources.status());
        assertEquals(0, resources.data().size());
        assertEquals(1, new PveTestClient(sim).get("/cluster/resources?type=vm").data().size());
        PveTestClient.Response config = fresh.get("/nodes/pve/qemu/110/config");
        assertEquals(403, config.status());
        assertEquals("Permission check failed (/vms/110, VM.Audit)\n", config.body().get("message").asText());
        assertEquals(403, fresh.post("/nodes/pve/qemu/110/status/start").status());
    }

    private JsonNode login(String user, String password) {
        PveTestClient anonymous = new PveTestClient(sim, null);
        PveTestClient.Response r = anonymous.post("/access/ticket", "username", user, "password", password);
        var out = JSON.createObjectNode();
        out.put("status", r.status());
        out.set("body", r.body());
        return out;
    }

    private record Raw(String statusLine, String body) {
    }

    /** One request over a plain socket: java.net.http hides the reason phrase, where Proxmox puts its error text. */
    private Raw raw(String method, String path, String ticket, String csrf, String form) throws Exception {
        URI plain = URI.create(sim.plainUrl());
        try (Socket s = new Socket(plain.getHost(), plain.getPort())) {
            s.setSoTimeout(5000);
            byte[] body = form == null ? new byte[0] : form.getBytes(StandardCharsets.UTF_8);
            StringBuilder req = new StringBuilder(method + " /api2/json" + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
            if (ticket != null) {
                req.append("Cookie: PVEAuthCookie=").append(ticket).append("\r\n");
            }
            if (csrf != null) {
                req.append("CSRFPreventionToken: ").append(csrf).append("\r\n");
            }
            if (form != null) {
                req.append("Content-Type: application/x-www-form-urlencoded\r\n");
            }
            req.append("Content-Length: ").append(body.length).append("\r\nConnection: close\r\n\r\n");
            OutputStream out = s.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            String status = in.readLine();
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                // headers: not needed here
            }
            StringBuilder rest = new StringBuilder();
            for (int c = in.read(); c >= 0; c = in.read()) {
                rest.append((char) c);
            }
            return new Raw(status, rest.toString());
        }
    }

    static SSLContext trusting(String pem) throws Exception {
        X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        ks.setCertificateEntry("pve", cert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
