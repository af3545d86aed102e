package dev.fleetplane.console.backend;

import static dev.fleetplane.console.ConsoleWorld.API_VM;
import static dev.fleetplane.console.ConsoleWorld.DROP_API_VM;
import static dev.fleetplane.console.ConsoleWorld.DROP_SSH_VM;
import static dev.fleetplane.console.ConsoleWorld.NODE;
import static dev.fleetplane.console.ConsoleWorld.NO_SERIAL_VM;
import static dev.fleetplane.console.ConsoleWorld.SSH_VM;
import static dev.fleetplane.console.ConsoleWorld.STOPPED_VM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.console.ConsoleConfig;
import dev.fleetplane.console.ConsoleWorld;
import dev.fleetplane.localstack.quarkus.LocalStackTestResource;
import dev.fleetplane.proxmox.client.ProxmoxClient;
import dev.fleetplane.proxmox.client.PveConnection;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Both console backends against the PVE simulator: the gateway's own {@code pve-api} backend (from CDI, logged in as
 * the console user over pinned HTTPS) and a {@code node-ssh} backend built from the same configuration (the node's
 * sshd, {@code pvesh} and {@code qm terminal}). Each logs in at the VM's getty, runs {@code hostname}, resizes; the
 * refusals (stopped VM, no serial0, two VMs of one name, wrong credentials) and a line dropped by the far side.
 */
@QuarkusTest
@QuarkusTestResource(LocalStackTestResource.class)
@QuarkusTestResource(ConsoleWorld.class)
class BackendsIT {

    private static final String PASSWORD_OF_ROOT = "anything"; // the simulator's getty takes any password for root

    @Inject
    ConsoleBackend gatewayBackend;

    @Inject
    ConsoleConfig config;

    private NodeSshBackend nodeSsh() {
        return new NodeSshBackend(BackendSettings.nodeSsh(config.nodeSsh()));
    }

    @Test
    void theGateway_usesThePveApiBackend_fromItsConfiguration() {
        assertTrue(gatewayBackend instanceof PveApiBackend, gatewayBackend.getClass().getName());
        assertEquals("pve-api", gatewayBackend.name());
    }

    @Test
    void pveApi_logsInAtTheGetty_runsHostname_andResizes() throws Exception {
        session(gatewayBackend, "web-api", API_VM);
    }

    @Test
    void nodeSsh_logsInAtTheGetty_runsHostname_andResizes() throws Exception {
        session(nodeSsh(), "web-ssh", SSH_VM);
    }

    private void session(ConsoleBackend backend, String host, int vmid) throws Exception {
        ConsoleTarget target = backend.locate(host).orElseThrow();
        assertEquals(new ConsoleTarget(host, NODE, vmid), target);
        Screen screen = new Screen();
        BackendConnection line = backend.open(target, 100, 30, screen);
        try {
            assertEquals("starting serial terminal on interface serial0\r\n",
                    screen.awaitText("serial0\r\n"), "qm terminal's own line first, as termproxy streams it");
            type(line, "\r");
            assertTrue(screen.awaitText(host + " login: ").contains("<<< Welcome to NixOS"));
            type(line, "root\r");
            screen.awaitText("Password: ");
            type(line, PASSWORD_OF_ROOT + "\r");
            String prompt = "[root@" + host + ":~]# ";
            assertEquals("\r\n" + prompt, screen.awaitText(prompt), "the password is not echoed");
            line.resize(132, 43);
            type(line, "hostname\r");
            assertEquals("hostname\r\n" + host + "\r\n" + prompt, screen.awaitText(prompt));
            if (line instanceof PveApiConnection api) {
                // termproxy logs each resize it applied to its pty in the vncproxy task's log
                try (ProxmoxClient admin = admin()) {
                    var log = admin.taskLog(api.task(), 0, 0).texts();
                    assertTrue(log.contains("resize 100x30") && log.contains("resize 132x43"), log.toString());
                }
            }
            type(line, "echo grüße\r"); // UTF-8 through the frames (pve-api) and the pty (node-ssh)
            assertEquals("echo grüße\r\ngrüße\r\n" + prompt, screen.awaitText(prompt));
            type(line, "exit\r");
            assertTrue(screen.awaitText(host + " login: ").contains("logout"));
            assertFalse(screen.closed.isDone(), "the line is still open");
        } finally {
            line.close();
        }
        Screen.Closed closed = screen.awaitClosed();
        assertFalse(closed.byRemote(), closed.toString());
        line.close();
        line.send("ignored after close".getBytes(StandardCharsets.UTF_8));
        assertEquals(1, screen.closings.get(), "onClosed exactly once");
        assertNoThreadsLeft(vmid);
    }

    private static void type(BackendConnection line, String keys) {
        line.send(keys.getBytes(StandardCharsets.UTF_8));
    }

    /** The node-ssh reader and writer threads end with the connection (the pve-api side has none of its own). */
    private static void assertNoThreadsLeft(int vmid) throws InterruptedException {
        String prefix = "console-ssh-" + vmid;
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith(prefix) && t.isAlive())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("threads " + prefix + "* still run after close");
            }
            Thread.sleep(20);
        }
    }

    @Test
    void unknownHosts_andTemplates_areNotFound_byEitherBackend() throws Exception {
        for (ConsoleBackend b : new ConsoleBackend[] {gatewayBackend, nodeSsh()}) {
            assertEquals(Optional.empty(), b.locate("no-such-host"), b.name());
            assertEquals(Optional.empty(), b.locate("web-tpl"), b.name() + ": a template has no console");
        }
    }

    @Test
    void twoVmsOfOneName_areRefused_namingBothVmids() {
        for (ConsoleBackend b : new ConsoleBackend[] {gatewayBackend, nodeSsh()}) {
            BackendException e = assertThrows(BackendException.class, () -> b.locate("twin"), b.name());
            assertEquals(BackendException.Kind.REFUSED, e.kind());
            assertTrue(e.getMessage().contains("VM 105 on pve") && e.getMessage().contains("VM 106 on pve"),
                    e.getMessage());
        }
    }

    @Test
    void aStoppedVm_isRefused_sayingHowToFixIt() throws Exception {
        ConsoleTarget off = new ConsoleTarget("off", NODE, STOPPED_VM);
        BackendException api = refused(gatewayBackend, off);
        assertEquals("off (VM 103 on pve) is stopped: start it (qm start 103) to open its serial console",
                api.getMessage());
        BackendException ssh = refused(nodeSsh(), off);
        assertTrue(ssh.getMessage().startsWith("the console of off (VM 103 on pve) was refused: VM 103 not running"),
                ssh.getMessage());
    }

    @Test
    void aVmWithoutSerial0_isRefused_sayingHowToFixIt() throws Exception {
        try (ProxmoxClient admin = admin()) {
            admin.updateConfig(NODE, NO_SERIAL_VM, Map.of("delete", "serial0"));
        }
        ConsoleTarget target = gatewayBackend.locate("noserial").orElseThrow();
        BackendException api = refused(gatewayBackend, target);
        assertTrue(api.getMessage().contains("has no serial port: add serial0: socket (qm set 104 --serial0 socket)"),
                api.getMessage());
        BackendException ssh = refused(nodeSsh(), target);
        assertTrue(ssh.getMessage().contains("serial interface 'serial0' is not configured"), ssh.getMessage());
    }

    private static ProxmoxClient admin() {
        return ProxmoxClient.connect(PveConnection.withPassword(ConsoleWorld.sim.url(), ConsoleWorld.USER,
                ConsoleWorld.PASSWORD).fingerprint(ConsoleWorld.sim.fingerprint()));
    }

    private static BackendException refused(ConsoleBackend backend, ConsoleTarget target) {
        Screen screen = new Screen();
        BackendException e = assertThrows(BackendException.class, () -> backend.open(target, 80, 24, screen),
                backend.name());
        assertEquals(BackendException.Kind.REFUSED, e.kind(), e.getMessage());
        assertEquals(0, screen.closings.get(), "a line that never opened is never closed");
        return e;
    }

    @Test
    void aWrongConsolePassword_isUnauthorized_withoutThePassword() throws Exception {
        String wrong = "not-the-console-password";
        try (ProxmoxClient client = ProxmoxClient.connect(PveConnection.withPassword(ConsoleWorld.sim.url(),
                ConsoleWorld.USER, wrong).fingerprint(ConsoleWorld.sim.fingerprint()));
             PveApiBackend backend = new PveApiBackend(client, Duration.ofSeconds(30))) {
            BackendException e = assertThrows(BackendException.class, () -> backend.locate("web-api"));
            assertEquals(BackendException.Kind.UNAUTHORIZED, e.kind(), e.getMessage());
            assertTrue(e.getMessage().contains("console@pve"), e.getMessage());
            assertFalse(e.getMessage().contains(wrong), e.getMessage());
            e = assertThrows(BackendException.class,
                    () -> backend.open(new ConsoleTarget("web-api", NODE, API_VM), 80, 24, new Screen()));
            assertEquals(BackendException.Kind.UNAUTHORIZED, e.kind(), e.getMessage());
        }
    }

    @Test
    void aWrongNodeHostKey_isUnauthorized_namingThePinnedFingerprint() {
        NodeSshBackend.Settings right = BackendSettings.nodeSsh(config.nodeSsh());
        String other = "SHA256:" + "A".repeat(43);
        NodeSshBackend backend = new NodeSshBackend(new NodeSshBackend.Settings(right.host(), right.nodeHosts(),
                right.port(), right.user(), right.identityFile(), other, right.connectTimeout()));
        BackendException e = assertThrows(BackendException.class, () -> backend.locate("web-ssh"));
        assertEquals(BackendException.Kind.UNAUTHORIZED, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains(other) && e.getMessage().contains("host key"), e.getMessage());
        e = assertThrows(BackendException.class,
                () -> backend.open(new ConsoleTarget("web-ssh", NODE, SSH_VM), 80, 24, new Screen()));
        assertEquals(BackendException.Kind.UNAUTHORIZED, e.kind(), e.getMessage());
    }

    @Test
    void aLineDroppedByTheFarSide_isClosedByRemote_once() throws Exception {
        dropped(gatewayBackend, "drop-api", DROP_API_VM);
        dropped(nodeSsh(), "drop-ssh", DROP_SSH_VM);
    }

    private static void dropped(ConsoleBackend backend, String host, int vmid) throws Exception {
        Screen screen = new Screen();
        BackendConnection line = backend.open(backend.locate(host).orElseThrow(), 80, 24, screen);
        type(line, "\r");
        screen.awaitText(host + " login: ");
        assertEquals(1, ConsoleWorld.sim.hangUpSerial(vmid), "one session on the line");
        Screen.Closed closed = screen.awaitClosed();
        assertTrue(closed.byRemote(), backend.name() + ": " + closed);
        line.close();
        type(line, "after the end\r");
        assertEquals(1, screen.closings.get(), backend.name() + ": onClosed exactly once");
        assertNoThreadsLeft(vmid);
    }
}
