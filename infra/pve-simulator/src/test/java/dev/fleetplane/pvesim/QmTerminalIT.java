package dev.fleetplane.pvesim;

import dev.fleetplane.pvesim.nodessh.NodeSshEndpoint;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.channel.direct.Session;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code qm terminal} over SSH to the node, as an operator (or the console gateway's SSH path) runs it. */
class QmTerminalIT {

    private static final String PROMPT = "[root@dev:~]# ";

    @TempDir
    Path tmp;
    private Path key;
    private PveSimulator sim;
    private NodeSshEndpoint node;
    private PveTestClient client;

    @BeforeEach
    void start() throws Exception {
        Prerequisites.require(Files.isExecutable(Path.of("/usr/sbin/sshd")) && Files.isExecutable(Path.of("/usr/bin/ssh-keygen")),
                "OpenSSH server is required (apt-get install openssh-server)");
        key = tmp.resolve("id_ed25519");
        Process p = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString())
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "ssh-keygen failed");
        sim = PveSimulator.builder().apiToken(PveTestClient.TOKEN_ID, PveTestClient.SECRET)
                .seed(SeedVm.vm(110, "dev").running(), SeedVm.vm(111, "off"), SeedVm.vm(112, "noserial").running())
                .nodeSsh(NodeSsh.fromFile(Path.of(key + ".pub")))
                .build().start();
        node = sim.nodeSsh("pve").orElseThrow();
        client = new PveTestClient(sim);
    }

    @AfterEach
    void close() {
        if (sim != null) {
            sim.close();
        }
    }

    private SSHClient connect() throws IOException {
        SSHClient ssh = new SSHClient();
        ssh.addHostKeyVerifier(node.hostKeyFingerprint());
        ssh.connect(node.host(), node.port());
        ssh.authPublickey(node.user(), ssh.loadKeys(key.toString()));
        return ssh;
    }

    private static String readUntil(InputStream in, String want) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        while (!got.toString(StandardCharsets.UTF_8).contains(want)) {
            int b = in.read();
            if (b < 0) {
                throw new AssertionError("stream ended before '" + want + "', got: " + got.toString(StandardCharsets.UTF_8));
            }
            got.write(b);
        }
        return got.toString(StandardCharsets.UTF_8);
    }

    private static void type(OutputStream out, String keys) throws IOException {
        out.write(keys.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Test
    void qmTerminal_withAPty_logsInRunsCommands_andCtrlOExits() throws Exception {
        try (SSHClient ssh = connect(); Session session = ssh.startSession()) {
            session.allocateDefaultPTY();
            Session.Command cmd = session.exec("qm terminal 110");
            InputStream in = cmd.getInputStream();
            OutputStream out = cmd.getOutputStream();
            assertEquals("starting serial terminal on interface serial0 (press Ctrl+O to exit)\r\n",
                    readUntil(in, "exit)\r\n"));
            type(out, "\r");
            assertTrue(readUntil(in, "dev login: ").contains("<<< Welcome to NixOS 24.11 (x86_64) - ttyS0 >>>"));
            type(out, "root\r");
            assertEquals("root\r\nPassword: ", readUntil(in, "Password: "));
            type(out, "pw\r");
            assertEquals("\r\n" + PROMPT, readUntil(in, PROMPT), "the password is not echoed, by the guest nor the pty");
            type(out, "hostname\r");
            assertEquals("hostname\r\ndev\r\n" + PROMPT, readUntil(in, PROMPT));
            type(out, "echo hi\r");
            assertEquals("echo hi\r\nhi\r\n" + PROMPT, readUntil(in, PROMPT));
            type(out, "ip addr\r");
            String ip = readUntil(in, PROMPT);
            assertTrue(ip.contains("2: ens18: <BROADCAST,MULTICAST,UP,LOWER_UP>"), ip);
            assertTrue(ip.contains("    inet " + sim.guestAddress(110) + "/24 "), ip);
            type(out, "\u000f");
            cmd.join(10, TimeUnit.SECONDS);
            assertEquals(0, cmd.getExitStatus(), "Ctrl+O ends qm terminal");
        }
    }

    @Test
    void aTermproxySession_findsTheLoginOfTheSshSession() throws Exception {
        try (SSHClient ssh = connect(); Session session = ssh.startSession()) {
            session.allocateDefaultPTY();
            Session.Command cmd = session.exec("qm terminal 110 -iface serial0 -escape ^]");
            InputStream in = cmd.getInputStream();
            assertEquals("starting serial terminal on interface serial0 (press Ctrl+] to exit)\r\n",
                    readUntil(in, "exit)\r\n"));
            type(cmd.getOutputStream(), "root\rpw\r");
            readUntil(in, PROMPT);
            type(cmd.getOutputStream(), "\u001d");
            cmd.join(10, TimeUnit.SECONDS);
            assertEquals(0, cmd.getExitStatus());
        }
        var t = client.post("/nodes/pve/qemu/110/termproxy").data();
        try (java.net.Socket s = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), t.get("port").asInt())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            type(out, t.get("user").asText() + ":" + t.get("ticket").asText() + "\n");
            readUntil(s.getInputStream(), "serial0\r\n");
            type(out, "0:9:hostname\r");
            assertEquals("hostname\r\ndev\r\n" + PROMPT, readUntil(s.getInputStream(), PROMPT));
        }
    }

    @Test
    void refusals_areQmsMessagesOnStderr_withExitStatus255() throws Exception {
        try (SSHClient ssh = connect()) {
            refusals(ssh);
        }
    }

    @Test
    void pvesh_answersTheApisVmResources_asAJsonArray() throws Exception {
        try (SSHClient ssh = connect(); Session session = ssh.startSession()) {
            Session.Command cmd = session.exec("pvesh get /cluster/resources --type vm --output-format json");
            String out = new String(cmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(cmd.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            cmd.join(10, TimeUnit.SECONDS);
            assertEquals(0, cmd.getExitStatus(), err);
            assertEquals("", err);
            assertTrue(out.endsWith("]\n") && !out.contains("\n  "), "one line of JSON, as pvesh's json format: " + out);
            var json = new com.fasterxml.jackson.databind.ObjectMapper();
            // uptime counts seconds: the API read a moment later may be one further
            assertEquals(withoutUptime(client.get("/cluster/resources?type=vm").data()),
                    withoutUptime(json.readTree(out)), "exactly the API's data");
            var names = new java.util.TreeSet<String>();
            json.readTree(out).forEach(vm -> names.add(vm.get("name").asText() + "/" + vm.get("status").asText()));
            assertEquals(java.util.Set.of("dev/running", "off/stopped", "noserial/running"), names);
        }
        try (SSHClient ssh = connect()) {
            assertRefused(ssh, "pvesh get /nodes", "pvesh (pve-simulator stand-in): only 'pvesh get /cluster/resources"
                    + " --type vm --output-format json' is simulated, got 'pvesh get /nodes'\n");
        }
    }

    @Test
    void hangUpSerial_endsTheQmTerminalSession_fromTheFarSide() throws Exception {
        try (SSHClient ssh = connect(); Session session = ssh.startSession()) {
            session.allocateDefaultPTY();
            Session.Command cmd = session.exec("qm terminal 110 -escape 0");
            InputStream in = cmd.getInputStream();
            assertEquals("starting serial terminal on interface serial0\r\n", readUntil(in, "\r\n"));
            type(cmd.getOutputStream(), "root\rpw\r");
            readUntil(in, PROMPT);
            assertEquals(1, sim.hangUpSerial(110));
            assertEquals(-1, in.read(), "the session's output ends");
            cmd.join(10, TimeUnit.SECONDS);
            assertEquals(0, cmd.getExitStatus());
        }
        assertEquals(0, sim.hangUpSerial(110), "nothing is attached any more");
    }

    private void refusals(SSHClient ssh) throws Exception {
        assertRefused(ssh, "qm terminal 111", "VM 111 not running\n");
        assertRefused(ssh, "qm terminal 110 -iface serial1", "serial interface 'serial1' is not configured\n");
        assertRefused(ssh, "qm terminal 4242", "Configuration file 'nodes/pve/qemu-server/4242.conf' does not exist\n");
        assertRefused(ssh, "qm terminal 110 -escape ctrl-o", "invalid escape character definition: ctrl-o\n");
        assertRefused(ssh, "qm terminal", "400 not enough arguments\nqm terminal <vmid> [OPTIONS]\n");
        assertRefused(ssh, "qm terminal 110 -iface serial7", "400 Parameter verification failed.\niface: value 'serial7'"
                + " does not have a value in the enumeration 'serial0, serial1, serial2, serial3'\nqm terminal <vmid> [OPTIONS]\n");
        assertEquals(200, client.put("/nodes/pve/qemu/112/config", "delete", "serial0").status());
        assertRefused(ssh, "qm terminal 112", "unable to find a serial interface\n");
        assertEquals(200, client.put("/nodes/pve/qemu/112/config", "serial0", "/dev/ttyS0").status());
        assertRefused(ssh, "qm terminal 112 -iface serial0", "wrong serial type on interface 'serial0'\n");
    }

    private static void assertRefused(SSHClient ssh, String command, String stderr) throws Exception {
        try (Session session = ssh.startSession()) {
            Session.Command cmd = session.exec(command);
            String err = new String(cmd.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            String out = new String(cmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            cmd.join(10, TimeUnit.SECONDS);
            assertEquals(stderr, err, command);
            assertEquals("", out, command);
            assertEquals(255, cmd.getExitStatus(), command);
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode withoutUptime(com.fasterxml.jackson.databind.JsonNode vms) {
        com.fasterxml.jackson.databind.JsonNode copy = vms.deepCopy();
        copy.forEach(vm -> ((com.fasterxml.jackson.databind.node.ObjectNode) vm).remove("uptime"));
        return copy;
    }
}
