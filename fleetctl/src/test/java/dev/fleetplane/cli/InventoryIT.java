package dev.fleetplane.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleetplane.pvesim.PveSimulator;
import dev.fleetplane.pvesim.SeedVm;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code fleetplane inventory} run in-process against the PVE simulator over real HTTP. */
class InventoryIT {

    private static final String TOKEN_ID = "fleetplane@pve!inventory";
    private static final String SECRET = "5f0c2a4e-7d1b-4c3a-9e8f-0a1b2c3d4e5f";
    private static PveSimulator sim;

    /** What one run printed and returned. */
    record Run(int exit, String out, String err) {
    }

    @BeforeAll
    static void startSimulator() {
        sim = PveSimulator.builder().node("pve").node("pve2").apiToken(TOKEN_ID, SECRET)
                .seed(SeedVm.template(9003, "nixos-template"),
                        SeedVm.vm(111, "web-1").sized(2, 4096, 16).running(),
                        SeedVm.vm(112, "db-1").withAgent(false).running(),
                        SeedVm.vm(113, "cold-1"),
                        SeedVm.vm(201, "edge-1").onNode("pve2").sized(4, 1024, 8).running())
                .build().start();
    }

    @AfterAll
    static void stopSimulator() {
        if (sim != null) {
            sim.close();
        }
    }

    private static Run run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = FleetctlMain.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        ((InventoryCommand) cli.getSubcommands().get("inventory").getCommand()).env = env;
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static Run run(String... args) {
        return run(Map.of(), args);
    }

    private static String line(String table, int vmid) {
        return table.lines().filter(l -> l.startsWith(vmid + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no row for " + vmid + " in\n" + table));
    }

    @Test
    void inventory_listsEveryGuestOfEveryNodeSortedByVmid() {
        Run r = run("inventory", "--pve-url", sim.url(), "--token", TOKEN_ID + "=" + SECRET);
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).matches("VMID\\s+NAME\\s+NODE\\s+STATUS\\s+TEMPLATE\\s+CORES\\s+MEMORY\\s+DISK"), r.out());
        assertEquals(List.of("111", "112", "113", "201", "9003"),
                lines.stream().skip(1).map(l -> l.split("\\s+")[0]).toList(), r.out());
        assertTrue(line(r.out(), 111).matches("111\\s+web-1\\s+pve\\s+running\\s+no\\s+2\\s+4G\\s+16G"), r.out());
        assertTrue(line(r.out(), 113).matches("113\\s+cold-1\\s+pve\\s+stopped\\s+no\\s+1\\s+2G\\s+8G"), r.out());
        assertTrue(line(r.out(), 201).matches("201\\s+edge-1\\s+pve2\\s+running\\s+no\\s+4\\s+1G\\s+8G"), r.out());
        assertTrue(line(r.out(), 9003).matches("9003\\s+nixos-template\\s+pve\\s+stopped\\s+yes\\s+1\\s+2G\\s+8G"), r.out());
        assertEquals("", r.err());
    }

    @Test
    void addresses_chooseTheAddressOfTheNicWithNet0sMac() throws Exception {
        Run r = run(Map.of("PVE_TOKEN", TOKEN_ID + "=" + SECRET),
                "inventory", "--pve-url", sim.url(), "--addresses", "--allow-loopback");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().lines().findFirst().orElseThrow().matches(".*DISK\\s+IP\\s+NOTE"), r.out());
        assertTrue(line(r.out(), 111).matches("111 .*16G\\s+" + Pattern.quote(sim.guestAddress(111))), r.out());
        assertTrue(line(r.out(), 201).matches("201 .*pve2 .*8G\\s+" + Pattern.quote(sim.guestAddress(201))), r.out());
        assertTrue(line(r.out(), 112).matches("112 .*8G\\s+-\\s+guest agent not configured"), r.out());
        assertTrue(line(r.out(), 113).matches("113 .*8G\\s+-"), r.out());

        Run json = run("inventory", "--pve-url", sim.url(), "--token", TOKEN_ID + "=" + SECRET, "--addresses",
                "--allow-loopback", "--json");
        assertEquals(0, json.exit(), json.err());
        JsonNode web = byVmid(new ObjectMapper().readTree(json.out()), 111);
        String net0Mac = net0Mac("pve", 111);
        assertEquals(sim.guestAddress(111), web.get("ip").asText());
        JsonNode chosen = null;
        for (JsonNode a : web.get("addresses")) {
            if (a.get("ip").asText().equals(web.get("ip").asText())) {
                chosen = a;
            }
        }
        assertNotNull(chosen, web.toString());
        assertEquals(net0Mac.toLowerCase(Locale.ROOT), chosen.get("mac").asText().toLowerCase(Locale.ROOT));
        assertEquals(web.get("interface").asText(), chosen.get("interface").asText());
        // lo's 127.0.0.1 is reported but never chosen
        assertTrue(web.get("addresses").toString().contains("\"127.0.0.1\""), web.toString());
    }

    @Test
    void addresses_withoutLoopbackAllowed_chooseNothingForTheSimulatorsLoopbackGuests() throws Exception {
        Run r = run("inventory", "--pve-url", sim.url(), "--token", TOKEN_ID + "=" + SECRET, "--addresses", "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode web = byVmid(new ObjectMapper().readTree(r.out()), 111);
        assertTrue(web.get("ip").isNull(), web.toString());
        assertTrue(web.get("note").asText().contains("no global IPv4 address on the interface with MAC "
                + net0Mac("pve", 111).toUpperCase(Locale.ROOT)), web.toString());
    }

    @Test
    void json_printsAnArrayWithSizesInBytes() throws Exception {
        Run r = run("inventory", "--pve-url", sim.url(), "--token", TOKEN_ID + "=" + SECRET, "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode arr = new ObjectMapper().readTree(r.out());
        assertTrue(arr.isArray());
        assertEquals(5, arr.size());
        JsonNode web = byVmid(arr, 111);
        assertEquals("web-1", web.get("name").asText());
        assertEquals("pve", web.get("node").asText());
        assertEquals("qemu", web.get("type").asText());
        assertEquals("running", web.get("status").asText());
        assertFalse(web.get("template").asBoolean());
        assertEquals(2, web.get("cores").asInt());
        assertEquals(4096L * 1024 * 1024, web.get("memoryBytes").asLong());
        assertEquals(16L * 1024 * 1024 * 1024, web.get("diskBytes").asLong());
        assertFalse(web.has("ip"), web.toString());
        assertTrue(byVmid(arr, 9003).get("template").asBoolean());
    }

    @Test
    void wrongToken_exitsOneWithALineNamingTheTokenIdButNotTheSecret() {
        String wrong = "0badbad0-1111-2222-3333-444455556666";
        Run r = run("inventory", "--pve-url", sim.url(), "--token", TOKEN_ID + "=" + wrong);
        assertEquals(1, r.exit());
        assertEquals("", r.out());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("401") && r.err().contains("'" + TOKEN_ID + "'"), r.err());
        assertFalse(r.err().contains(wrong) || r.err().contains(SECRET), r.err());
    }

    @Test
    void unreachableUrl_exitsOneWithALineNamingTheUrl() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Run r = run("inventory", "--pve-url", "http://127.0.0.1:" + port, "--token", TOKEN_ID + "=" + SECRET);
        assertEquals(1, r.exit());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("http://127.0.0.1:" + port + "/api2/json/cluster/resources")
                && r.err().contains("got no answer"), r.err());
        assertFalse(r.err().contains(SECRET), r.err());
    }

    @Test
    void badTokenFormat_exitsOneBeforeAnyCall() {
        long before = sim.requestCount();
        Run r = run("inventory", "--pve-url", sim.url(), "--token", SECRET);
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("--token must read user@realm!tokenid=secret"), r.err());
        assertFalse(r.err().contains(SECRET), r.err());
        assertEquals(before, sim.requestCount());
    }

    @Test
    void https_withSelfSignedCertificate_needsInsecureAndWarnsAboutIt() {
        try (PveSimulator tls = PveSimulator.builder().https(true).apiToken(TOKEN_ID, SECRET)
                .seed(SeedVm.vm(120, "tls-1")).build().start()) {
            assertTrue(tls.url().startsWith("https://"), tls.url());
            Run refused = run("inventory", "--pve-url", tls.url(), "--token", TOKEN_ID + "=" + SECRET);
            assertEquals(1, refused.exit());
            assertEquals(1, refused.err().lines().count(), refused.err());
            assertTrue(refused.err().contains(tls.url() + "/cluster/resources") && refused.err().contains("TLS"),
                    refused.err());

            Run insecure = run("inventory", "--pve-url", tls.url(), "--token", TOKEN_ID + "=" + SECRET, "--insecure");
            assertEquals(0, insecure.exit(), insecure.err());
            assertTrue(line(insecure.out(), 120).matches("120\\s+tls-1\\s+pve\\s+stopped.*"), insecure.out());
            assertTrue(insecure.err().contains("warning: --insecure"), insecure.err());
        }
    }

    @Test
    void https_withPinnedFingerprintOrCaFile_isTrusted_andAWrongPinNamesBothFingerprints() throws Exception {
        String otherPin = "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF";
        Path ca = Files.createTempFile("fleetplane-inventory-ca-", ".pem");
        try (PveSimulator tls = PveSimulator.builder().https(true).apiToken(TOKEN_ID, SECRET)
                .seed(SeedVm.vm(121, "pinned-1")).build().start()) {
            String token = TOKEN_ID + "=" + SECRET;
            Run pinned = run("inventory", "--pve-url", tls.url(), "--token", token, "--fingerprint", tls.fingerprint());
            assertEquals(0, pinned.exit(), pinned.err());
            assertTrue(line(pinned.out(), 121).matches("121\\s+pinned-1\\s+.*"), pinned.out());
            assertEquals("", pinned.err());

            Files.writeString(ca, tls.certificatePem());
            Run byCa = run("inventory", "--pve-url", tls.url(), "--token", token, "--ca-file", ca.toString());
            assertEquals(0, byCa.exit(), byCa.err());
            assertTrue(line(byCa.out(), 121).startsWith("121 "), byCa.out());

            Run wrongPin = run("inventory", "--pve-url", tls.url(), "--token", token, "--fingerprint", otherPin);
            assertEquals(1, wrongPin.exit());
            assertEquals(1, wrongPin.err().lines().count(), wrongPin.err());
            assertTrue(wrongPin.err().contains(tls.fingerprint()) && wrongPin.err().contains(otherPin), wrongPin.err());

            Run both = run("inventory", "--pve-url", tls.url(), "--token", token, "--fingerprint", otherPin, "--insecure");
            assertEquals(1, both.exit());
            assertTrue(both.err().contains("only one of"), both.err());
            assertFalse(both.err().contains(SECRET), both.err());
        } finally {
            Files.deleteIfExists(ca);
        }
    }

    @Test
    void tokenWithoutAcls_seesNoGuests_andIsToldWhy() {
        try (PveSimulator privsep = PveSimulator.builder().apiTokenWithoutAcls(TOKEN_ID, SECRET)
                .seed(SeedVm.vm(130, "hidden-1")).build().start()) {
            Run r = run("inventory", "--pve-url", privsep.url(), "--token", TOKEN_ID + "=" + SECRET);
            assertEquals(0, r.exit(), r.err());
            assertEquals(1, r.out().lines().count(), r.out());
            assertTrue(r.err().contains("'" + TOKEN_ID + "' sees no guests") && r.err().contains("no ACLs"), r.err());
            assertFalse(r.err().contains(SECRET), r.err());
        }
    }

    private static JsonNode byVmid(JsonNode arr, int vmid) {
        for (JsonNode n : arr) {
            if (n.get("vmid").asInt() == vmid) {
                return n;
            }
        }
        throw new AssertionError("no VM " + vmid + " in " + arr);
    }

    /** net0's MAC as the simulator's config endpoint reports it, read independently of the CLI. */
    private static String net0Mac(String node, int vmid) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(sim.url() + "/nodes/" + node + "/qemu/" + vmid + "/config"))
                .header("Authorization", "PVEAPIToken=" + TOKEN_ID + "=" + SECRET).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode net0 = new ObjectMapper().readTree(r.body()).path("data").path("net0");
        Matcher m = Pattern.compile("([0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5})").matcher(net0.asText());
        assertTrue(m.find(), r.body());
        return m.group(1);
    }
}
