package dev.fleetplane.console.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.console.ConsoleConfig;
import dev.fleetplane.proxmox.client.PveConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackendSettingsTest {

    /** {@code fleetplane.console.pve.*} as values. */
    record Pve(Optional<String> url, Optional<String> username, Optional<String> password, Optional<String> tokenId,
               Optional<String> tokenSecret, boolean insecure, Optional<Path> caFile, Optional<String> fingerprint,
               Duration connectTimeout, Duration readTimeout, Duration keepalive) implements ConsoleConfig.Pve {

        static Pve of(String url, String user, String password, String tokenId, String tokenSecret) {
            return new Pve(Optional.ofNullable(url), Optional.ofNullable(user), Optional.ofNullable(password),
                    Optional.ofNullable(tokenId), Optional.ofNullable(tokenSecret), false, Optional.empty(),
                    Optional.empty(), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(30));
        }
    }

    /** {@code fleetplane.console.node-ssh.*} as values. */
    record NodeSsh(Optional<String> host, Map<String, String> nodeHosts, int port, String user,
                   Optional<Path> identityFile, Optional<String> hostKeyFingerprint, Duration connectTimeout)
            implements ConsoleConfig.NodeSsh {
    }

    private static final String URL = "https://pve:8006/api2/json";

    @Test
    void theConsoleUser_isATicketLogin() {
        PveConnection c = BackendSettings.pveConnection(Pve.of(URL, "console@pve", "pw", null, null));
        assertTrue(c.ticketLogin());
        assertEquals("console@pve", c.principal());
        assertEquals(Duration.ofSeconds(30), c.readTimeout());
    }

    @Test
    void aToken_isTheAlternative() {
        PveConnection c = BackendSettings.pveConnection(Pve.of(URL, null, null, "console@pve!gw", "s3cret"));
        assertFalse(c.ticketLogin());
        assertEquals("console@pve!gw", c.principal());
    }

    @Test
    void aHalfConfiguredPveApi_isRefused_namingTheMissingKey() {
        assertEquals("the pve-api console backend has no credentials: set fleetplane.console.pve.username and"
                        + " .password (PVE_CONSOLE_USERNAME, PVE_CONSOLE_PASSWORD: a console user with VM.Console +"
                        + " VM.Audit), or an API token with fleetplane.console.pve.token-id and .token-secret (PVE 9.1"
                        + " with qemu-server 9.1.7 or later)",
                refusal(Pve.of(URL, null, null, null, null)));
        assertTrue(refusal(Pve.of(URL, "console@pve", null, null, null))
                .contains("fleetplane.console.pve.password (PVE_CONSOLE_PASSWORD) is missing"));
        assertTrue(refusal(Pve.of(URL, null, "pw", null, null))
                .contains("fleetplane.console.pve.username (PVE_CONSOLE_USERNAME) is missing"));
        assertTrue(refusal(Pve.of(URL, null, null, "console@pve!gw", " "))
                .contains("fleetplane.console.pve.token-secret (PVE_CONSOLE_TOKEN_SECRET) is missing"));
        assertTrue(refusal(Pve.of(null, "console@pve", "pw", null, null))
                .startsWith("fleetplane.console.backend=pve-api needs fleetplane.console.pve.url (PVE_URL)"));
        assertTrue(refusal(Pve.of(URL, "console@pve", "pw", "console@pve!gw", "s"))
                .contains("not both"));
        String secret = "hunter2-not-in-messages";
        String bad = refusal(Pve.of(URL, "console", secret, null, null));
        assertTrue(bad.contains("must read user@realm"), bad);
        assertFalse(bad.contains(secret), bad);
    }

    @Test
    void anUnconfiguredBackend_isToldApartFromAHalfConfiguredOne(@TempDir Path dir) {
        assertFalse(BackendSettings.anySet(Pve.of(URL, null, null, null, null)), "the URL has a default");
        assertFalse(BackendSettings.anySet(Pve.of(URL, " ", "", null, null)), "blank values are unset");
        assertTrue(BackendSettings.anySet(Pve.of(URL, null, "pw", null, null)));
        assertTrue(BackendSettings.anySet(Pve.of(URL, null, null, null, "s")));
        assertFalse(BackendSettings.anySet(new NodeSsh(Optional.empty(), Map.of(), 22, "root", Optional.empty(),
                Optional.empty(), Duration.ofSeconds(10))), "port and user have defaults");
        assertTrue(BackendSettings.anySet(new NodeSsh(Optional.empty(), Map.of(), 22, "root",
                Optional.of(dir.resolve("k")), Optional.empty(), Duration.ofSeconds(10))));
    }

    @Test
    void theUnconfiguredBackend_refusesEveryConsole_namingTheKeys() {
        UnconfiguredBackend b = new UnconfiguredBackend("pve-api", BackendSettings.PVE_API_NEEDS);
        assertEquals("pve-api", b.name());
        BackendException e = assertThrows(BackendException.class, () -> b.locate("web1"));
        assertEquals(BackendException.Kind.UNAUTHORIZED, e.kind());
        assertTrue(e.getMessage().startsWith("the console gateway has no credentials for its pve-api backend: set"
                + " fleetplane.console.pve.username"), e.getMessage());
        assertThrows(BackendException.class, () -> b.open(new ConsoleTarget("web1", "pve", 101), 80, 24, null));
    }

    private static String refusal(ConsoleConfig.Pve pve) {
        return assertThrows(IllegalStateException.class, () -> BackendSettings.pveConnection(pve)).getMessage();
    }

    @Test
    void nodeSsh_needsAnAddress_aReadableKey_andAPinnedHostKey(@TempDir Path dir) throws Exception {
        Path key = Files.writeString(dir.resolve("id_ed25519"), "not read here");
        NodeSshBackend.Settings s = BackendSettings.nodeSsh(new NodeSsh(Optional.of("pve.lan"), Map.of(), 22, "root",
                Optional.of(key), Optional.of("SHA256:abc"), Duration.ofSeconds(10)));
        assertEquals("pve.lan", s.inventoryAddress());

        assertTrue(nodeSshRefusal(new NodeSsh(Optional.empty(), Map.of(), 22, "root", Optional.of(key),
                Optional.of("SHA256:abc"), Duration.ofSeconds(10)))
                .contains("fleetplane.console.node-ssh.host (FLEETPLANE_CONSOLE_NODE_SSH_HOST) is missing"));
        assertTrue(nodeSshRefusal(new NodeSsh(Optional.of("pve.lan"), Map.of(), 22, "root", Optional.empty(),
                Optional.of("SHA256:abc"), Duration.ofSeconds(10)))
                .contains("fleetplane.console.node-ssh.identity-file (FLEETPLANE_CONSOLE_NODE_SSH_IDENTITY_FILE)"));
        assertEquals("fleetplane.console.node-ssh.identity-file " + dir.resolve("nope")
                        + " does not exist or is not readable",
                nodeSshRefusal(new NodeSsh(Optional.of("pve.lan"), Map.of(), 22, "root",
                        Optional.of(dir.resolve("nope")), Optional.of("SHA256:abc"), Duration.ofSeconds(10))));
        assertTrue(nodeSshRefusal(new NodeSsh(Optional.empty(), Map.of("pve", "10.0.0.1"), 22, "root", Optional.of(key),
                Optional.empty(), Duration.ofSeconds(10)))
                .contains("fleetplane.console.node-ssh.host-key-fingerprint"));
        assertTrue(nodeSshRefusal(new NodeSsh(Optional.of("pve.lan"), Map.of(), 22, "root", Optional.of(key),
                Optional.of("bf:66:72"), Duration.ofSeconds(10))).contains("must read SHA256:"));
    }

    private static String nodeSshRefusal(ConsoleConfig.NodeSsh ssh) {
        return assertThrows(IllegalStateException.class, () -> BackendSettings.nodeSsh(ssh)).getMessage();
    }
}
