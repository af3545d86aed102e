package dev.fleetplane.proxmox.client;

import dev.fleetplane.proxmox.client.PveException.Failure;
import dev.fleetplane.pvesim.PveSimulator;
import dev.fleetplane.pvesim.SeedVm;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The client's TLS trust modes and its ticket login against the HTTPS simulator (a real TLS server, real HTTP). */
@QuarkusTest
class ClientTlsAndAuthIT {

    private static final String TOKEN = "fleetplane@pve!client";
    private static final String SECRET = "7c1d2e3f-aaaa-4bbb-8ccc-0123456789ab";
    private static final String USER = "ops@pve";
    private static final String PASSWORD = "ticket-password-42";
    private static final String OTHER_FINGERPRINT =
            "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF";

    private static PveSimulator sim;
    private static Path caFile;

    @BeforeAll
    static void start() throws Exception {
        sim = PveSimulator.builder().https(true)
                .apiToken(TOKEN, SECRET)
                .apiTokenWithoutAcls("fresh@pve!new", "fresh-secret")
                .user(USER, PASSWORD)
                .seed(SeedVm.template(9000, "nixos-template"), SeedVm.vm(110, "dev"))
                .build().start();
        caFile = Files.createTempFile("fleetplane-pve-ca-", ".pem");
        Files.writeString(caFile, sim.certificatePem());
    }

    @AfterAll
    static void stop() throws Exception {
        if (sim != null) {
            sim.close();
        }
        Files.deleteIfExists(caFile);
    }

    private static PveConnection token() {
        return PveConnection.of(sim.url(), TOKEN, SECRET);
    }

    @Test
    void pinnedFingerprint_ofTheNode_connects() {
        try (ProxmoxClient pve = ProxmoxClient.connect(token().fingerprint(sim.fingerprint()))) {
            assertEquals("9.1.2", pve.version().version());
        }
    }

    @Test
    void pinnedFingerprint_givenAsBareLowerCaseHex_connects() {
        String bare = sim.fingerprint().replace(":", "").toLowerCase();
        try (ProxmoxClient pve = ProxmoxClient.connect(token().fingerprint(bare))) {
            assertEquals(2, pve.clusterVms().size());
        }
    }

    @Test
    void wrongFingerprint_failsTyped_namingTheUrlAndBothFingerprints_neverTheSecret() {
        try (ProxmoxClient pve = ProxmoxClient.connect(token().fingerprint(OTHER_FINGERPRINT))) {
            PveException e = assertThrows(PveException.class, pve::version);
            PveCertificateException cert = assertInstanceOf(PveCertificateException.class, e);
            assertEquals(Failure.UNTRUSTED_CERTIFICATE, e.failure());
            assertFalse(e.retryable());
            assertEquals(sim.fingerprint(), cert.seenFingerprint());
            assertEquals(OTHER_FINGERPRINT, cert.expectedFingerprint());
            assertTrue(e.getMessage().contains(sim.url() + "/version"), e.getMessage());
            assertTrue(e.getMessage().contains(sim.fingerprint()) && e.getMessage().contains(OTHER_FINGERPRINT),
                    e.getMessage());
            assertFalse(e.getMessage().contains(SECRET));
        }
    }

    @Test
    void caFile_holdingTheNodeCertificate_connectsWithHostNameChecked() {
        try (ProxmoxClient pve = ProxmoxClient.connect(token().caFile(caFile))) {
            assertEquals("9.1", pve.version().release());
        }
    }

    @Test
    void caFile_withoutTheNodeCertificate_isRefused_namingTheFingerprintSeen() throws Exception {
        // Any other CA will do: take one the JVM trusts, which certainly did not sign the simulator's certificate.
        java.security.KeyStore jvm = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
        try (var in = Files.newInputStream(Path.of(System.getProperty("java.home"), "lib", "security", "cacerts"))) {
            jvm.load(in, null);
        }
        java.security.cert.Certificate someCa = jvm.getCertificate(jvm.aliases().nextElement());
        Path otherCa = Files.createTempFile("fleetplane-other-ca-", ".pem");
        try {
            Files.writeString(otherCa, "-----BEGIN CERTIFICATE-----\n"
                    + java.util.Base64.getMimeEncoder().encodeToString(someCa.getEncoded()) + "\n-----END CERTIFICATE-----\n");
            try (ProxmoxClient pve = ProxmoxClient.connect(token().caFile(otherCa))) {
                PveException e = assertThrows(PveException.class, pve::version);
                assertEquals(Failure.UNTRUSTED_CERTIFICATE, e.failure(), e.getMessage());
                assertTrue(e.getMessage().contains(otherCa.toString()) && e.getMessage().contains(sim.fingerprint()),
                        e.getMessage());
            }
        } finally {
            Files.deleteIfExists(otherCa);
        }
    }

    @Test
    void unreadableCaFile_isAClearErrorNamingIt() {
        Path missing = caFile.resolveSibling("no-such-ca.pem");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ProxmoxClient.connect(token().caFile(missing)));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }

    @Test
    void defaultTrust_refusesTheSelfSignedNode_andSaysHowToTrustIt() {
        try (ProxmoxClient pve = ProxmoxClient.connect(token())) {
            PveException e = assertThrows(PveException.class, pve::version);
            assertEquals(Failure.UNTRUSTED_CERTIFICATE, e.failure(), e.getMessage());
            assertTrue(e.getMessage().contains("fingerprint"), e.getMessage());
        }
    }

    @Test
    void insecure_acceptsAnyCertificate() {
        try (ProxmoxClient pve = ProxmoxClient.connect(token().insecure(true))) {
            assertEquals("9.1.2", pve.version().version());
        }
    }

    @Test
    void ticketLogin_logsInOnce_andWritesCarryTheCsrfToken() {
        sim.resetCounts();
        try (ProxmoxClient pve = ProxmoxClient.connect(
                PveConnection.withPassword(sim.url(), USER, PASSWORD).fingerprint(sim.fingerprint()))) {
            assertEquals("9.1.2", pve.version().version());
            pve.updateConfig("pve", 110, Map.of("cores", "3"));
            assertEquals(java.util.Optional.of(3), pve.config("pve", 110).cores());
            TaskStatus started = pve.taskStatus(pve.start("pve", 110));
            assertEquals("qmstart", started.type());
        }
        assertEquals(1, sim.requestCount("POST /access/ticket"));
    }

    @Test
    void ticketLogin_renewsTheTicketOnceOlderThanTheRenewalAge() {
        sim.resetCounts();
        try (ProxmoxClient pve = ProxmoxClient.connect(PveConnection.withPassword(sim.url(), USER, PASSWORD)
                .fingerprint(sim.fingerprint()).ticketRenewAfter(Duration.ZERO))) {
            pve.version();
            pve.version();
            pve.clusterVms();
        }
        assertEquals(3, sim.requestCount("POST /access/ticket"));
    }

    @Test
    void ticketLogin_withWrongPassword_isUnauthorized_namingTheUserNotThePassword() {
        try (ProxmoxClient pve = ProxmoxClient.connect(
                PveConnection.withPassword(sim.url(), USER, "wrong-password-99").insecure(true))) {
            PveException e = assertThrows(PveException.class, pve::version);
            assertEquals(Failure.UNAUTHORIZED, e.failure());
            assertTrue(e.getMessage().contains(USER) && e.getMessage().contains("/access/ticket"), e.getMessage());
            assertFalse(e.getMessage().contains("wrong-password-99"));
        }
    }

    @Test
    void tokenWithoutAcls_isForbidden_andSaysWhy() {
        try (ProxmoxClient pve = ProxmoxClient.connect(
                PveConnection.of(sim.url(), "fresh@pve!new", "fresh-secret").fingerprint(sim.fingerprint()))) {
            assertEquals(0, pve.clusterVms().size());
            PveException e = assertThrows(PveException.class, () -> pve.config("pve", 110));
            assertEquals(Failure.FORBIDDEN, e.failure());
            assertTrue(e.getMessage().contains("Permission check failed (/vms/110, VM.Audit)"), e.getMessage());
            assertTrue(e.getMessage().contains("privilege separation"), e.getMessage());
        }
    }
}
