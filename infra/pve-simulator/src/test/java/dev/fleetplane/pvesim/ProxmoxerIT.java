package dev.fleetplane.pvesim;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real third-party client agrees: Debian's {@code python3-proxmoxer} drives the HTTPS simulator through clone,
 * config, start, agent, tasks and destroy and checks every answer against what a real Proxmox VE returns
 * ({@code src/test/resources/proxmoxer/drive_simulator.py}). Skipped, saying so, when python3 or proxmoxer is missing.
 */
class ProxmoxerIT {

    private static final String PYTHON = "/usr/bin/python3"; // Debian's, where python3-proxmoxer installs
    private static final int TEMPLATE = 9000;
    private PveSimulator sim;
    private Path dir;

    @BeforeAll
    static void proxmoxerIsInstalled() throws Exception {
        boolean python = Files.isExecutable(Path.of(PYTHON));
        Prerequisites.require(python, PYTHON + " is missing (apt-get install python3-proxmoxer)");
        Process p = new ProcessBuilder(PYTHON, "-c", "import proxmoxer, requests").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        Prerequisites.require(p.waitFor() == 0, "python3-proxmoxer is not installed (apt-get install"
                + " python3-proxmoxer): " + out.strip());
    }

    @AfterEach
    void close() throws IOException {
        if (sim != null) {
            sim.close();
        }
        if (dir != null) {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    private void start() throws IOException {
        sim = PveSimulator.builder().https(true)
                .apiToken(PveTestClient.TOKEN_ID, PveTestClient.SECRET)
                .user("ops@pve", "proxmoxer-password")
                .taskDuration(Duration.ofMillis(150))
                .seed(SeedVm.template(TEMPLATE, "nixos-template"))
                .build().start();
        dir = Files.createTempDirectory("fleetplane-proxmoxer-");
        Files.writeString(dir.resolve("pve-ca.pem"), sim.certificatePem());
        try (InputStream in = getClass().getResourceAsStream("/proxmoxer/drive_simulator.py")) {
            Files.write(dir.resolve("drive_simulator.py"), in.readAllBytes());
        }
    }

    @Test
    void proxmoxer_withAnApiToken_overVerifiedHttps_getsWhatARealProxmoxAnswers() throws Exception {
        start();
        String out = run(Map.of("PVE_AUTH", "token", "PVE_TOKEN_ID", PveTestClient.TOKEN_ID,
                "PVE_TOKEN_SECRET", PveTestClient.SECRET));
        assertTrue(out.contains("proxmoxer: all checks passed"), out);
        assertTrue(sim.requestCount("POST /nodes/{node}/qemu/{vmid}/clone") >= 1, sim.requestCounts().toString());
    }

    @Test
    void proxmoxer_withTicketLogin_sendsCookieAndCsrfToken_andGetsTheSameAnswers() throws Exception {
        start();
        String out = run(Map.of("PVE_AUTH", "ticket", "PVE_USER", "ops@pve", "PVE_PASSWORD", "proxmoxer-password"));
        assertTrue(out.contains("proxmoxer-check ok: ticket login returned a PVE ticket"), out);
        assertTrue(out.contains("proxmoxer: all checks passed"), out);
        assertEquals(1, sim.requestCount("POST /access/ticket"));
    }

    private String run(Map<String, String> auth) throws Exception {
        java.net.URI url = java.net.URI.create(sim.url());
        ProcessBuilder pb = new ProcessBuilder(PYTHON, dir.resolve("drive_simulator.py").toString())
                .redirectErrorStream(true);
        pb.environment().putAll(auth);
        pb.environment().put("PVE_HOST", url.getHost() + ":" + url.getPort());
        pb.environment().put("PVE_TEMPLATE", Integer.toString(TEMPLATE));
        pb.environment().put("PVE_CA_FILE", dir.resolve("pve-ca.pem").toString());
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] bytes = p.getInputStream().readAllBytes();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("proxmoxer script still running after 90 s");
        }
        String out = new String(bytes, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), "proxmoxer script failed:\n" + out);
        return out;
    }
}
