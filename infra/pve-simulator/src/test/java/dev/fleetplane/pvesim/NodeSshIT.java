package dev.fleetplane.pvesim;

import dev.fleetplane.pvesim.nodessh.NodeSshEndpoint;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.sftp.SFTPClient;
import net.schmizz.sshj.transport.TransportException;
import net.schmizz.sshj.userauth.UserAuthException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The node's sshd as the template builder uses it: SSHJ, pinned host key, SFTP into the dump directory. */
class NodeSshIT {

    private static final String ARCHIVE = "vzdump-qemu-9100-2026_01_02-03_04_05.vma.zst";

    @TempDir
    Path tmp;
    private Path key;
    private PveSimulator sim;

    @BeforeEach
    void keys() throws Exception {
        Prerequisites.require(Files.isExecutable(Path.of("/usr/sbin/sshd")) && Files.isExecutable(Path.of("/usr/bin/ssh-keygen")),
                "OpenSSH server is required (apt-get install openssh-server)");
        key = keygen("id_ed25519");
    }

    @AfterEach
    void close() {
        if (sim != null) {
            sim.close();
        }
    }

    private Path keygen(String name) throws Exception {
        Path k = tmp.resolve(name);
        Process p = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", k.toString())
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "ssh-keygen failed");
        return k;
    }

    private PveSimulator start() {
        sim = PveSimulator.builder().apiToken(PveTestClient.TOKEN_ID, PveTestClient.SECRET)
                .nodeSsh(NodeSsh.fromFile(Path.of(key + ".pub")))
                .build().start();
        return sim;
    }

    private SSHClient connect(NodeSshEndpoint node) throws IOException {
        SSHClient ssh = new SSHClient();
        ssh.addHostKeyVerifier(node.hostKeyFingerprint());
        ssh.connect(node.host(), node.port());
        return ssh;
    }

    @Test
    void sftpUpload_withTheAuthorizedKey_landsInTheDumpDirectory() throws Exception {
        NodeSshEndpoint node = start().nodeSsh("pve").orElseThrow();
        assertEquals("127.0.0.1", node.host());
        assertEquals("root", node.user());
        assertEquals(sim.dumpDir("pve"), node.dumpDir());
        assertTrue(Files.isDirectory(node.dumpDir()), "the dump directory exists from start");
        byte[] bytes = new byte[3 * 1024 * 1024 + 17];
        new java.util.Random(7).nextBytes(bytes);
        Path local = Files.write(tmp.resolve("upload.vma.zst"), bytes);

        try (SSHClient ssh = connect(node)) {
            ssh.authPublickey(node.user(), ssh.loadKeys(key.toString()));
            try (SFTPClient sftp = ssh.newSFTPClient()) {
                sftp.put(local.toString(), node.dumpDir().resolve(ARCHIVE + ".part").toString());
                sftp.rename(node.dumpDir().resolve(ARCHIVE + ".part").toString(), node.dumpDir().resolve(ARCHIVE).toString());
                assertEquals(bytes.length, sftp.size(node.dumpDir().resolve(ARCHIVE).toString()));
            }
        }
        assertArrayEquals(bytes, Files.readAllBytes(node.dumpDir().resolve(ARCHIVE)));
        assertEquals(List.of(ARCHIVE), list(node.dumpDir()));
    }

    @Test
    void anotherKey_isRefused() throws Exception {
        NodeSshEndpoint node = start().nodeSsh("pve").orElseThrow();
        Path stranger = keygen("stranger");
        try (SSHClient ssh = connect(node)) {
            assertThrows(UserAuthException.class, () -> ssh.authPublickey("root", ssh.loadKeys(stranger.toString())));
            assertFalse(ssh.isAuthenticated());
        }
        try (SSHClient ssh = connect(node)) {
            assertThrows(UserAuthException.class, () -> ssh.authPassword("root", "root"), "passwords are off");
        }
        try (SSHClient ssh = connect(node)) {
            assertThrows(UserAuthException.class, () -> ssh.authPublickey("nobody", ssh.loadKeys(key.toString())),
                    "only root may log in");
        }
    }

    @Test
    void fingerprint_isWhatSshKeygenPrints_andAWrongOneIsRejected() throws Exception {
        NodeSshEndpoint node = start().nodeSsh("pve").orElseThrow();
        Path pub;
        try (var files = Files.walk(sim.dumpDir("pve").getParent().getParent().getParent().getParent())) {
            pub = files.filter(f -> f.getFileName().toString().equals("ssh_host_ed25519_key.pub")).findFirst().orElseThrow();
        }
        Process p = new ProcessBuilder("ssh-keygen", "-lf", pub.toString()).redirectErrorStream(true).start();
        String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, printed);
        assertEquals(printed.split(" ")[1], node.hostKeyFingerprint(), printed);
        assertTrue(node.hostKeyFingerprint().matches("SHA256:[A-Za-z0-9+/]{43}"), node.hostKeyFingerprint());

        try (SSHClient ssh = new SSHClient()) {
            ssh.addHostKeyVerifier("SHA256:" + "A".repeat(43));
            assertThrows(TransportException.class, () -> ssh.connect(node.host(), node.port()));
        }
    }

    @Test
    void close_stopsTheNodeSshd() throws Exception {
        NodeSshEndpoint node = start().nodeSsh("pve").orElseThrow();
        assertTrue(listening(node));
        sim.close();
        assertFalse(listening(node), "the node's sshd is gone with the simulator");
        assertFalse(Files.exists(node.dumpDir()), "the work directory is removed");
    }

    @Test
    void withoutNodeSsh_thereIsNone_andAnUnknownNodeIsAnError() {
        sim = PveSimulator.builder().apiToken(PveTestClient.TOKEN_ID, PveTestClient.SECRET).build().start();
        assertTrue(sim.nodeSsh("pve").isEmpty());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sim.nodeSsh("pve2"));
        assertEquals("no node 'pve2' (nodes: [pve])", e.getMessage());
    }

    @Test
    void aKeyFileWithoutExactlyOneKey_isRefusedNamingTheFile() throws Exception {
        Path two = tmp.resolve("two.pub");
        Files.writeString(two, Files.readString(Path.of(key + ".pub")) + Files.readString(Path.of(key + ".pub")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NodeSsh.fromFile(two));
        assertEquals("node SSH: " + two + " must hold exactly one public key, has 2", e.getMessage());
        IllegalArgumentException notAKey = assertThrows(IllegalArgumentException.class,
                () -> NodeSsh.of("-----BEGIN OPENSSH PRIVATE KEY----- b3BlbnNzaC1rZXktdjEAAAAA"));
        assertTrue(notAKey.getMessage().startsWith("node SSH: the authorized key must be one OpenSSH public key line"),
                notAKey.getMessage());
        assertFalse(notAKey.getMessage().contains("b3BlbnNzaC1rZXktdjEAAAAA"), "the value is not echoed whole");
    }

    @Test
    void aMissingSshd_failsTheStartNamingIt_andLeavesNothingRunning() {
        PveSimulator broken = PveSimulator.builder().apiToken(PveTestClient.TOKEN_ID, PveTestClient.SECRET)
                .nodeSsh(NodeSsh.fromFile(Path.of(key + ".pub")).withSshd(Path.of("/nonexistent/sshd"))).build();
        IllegalStateException e = assertThrows(IllegalStateException.class, broken::start);
        assertEquals("cannot start the SSH server of node pve: /nonexistent/sshd is not installed"
                + " (apt-get install openssh-server)", e.getMessage());
        assertThrows(IllegalStateException.class, broken::start, "start() closed it");
    }

    private static boolean listening(NodeSshEndpoint node) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(node.host(), node.port()), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static List<String> list(Path dir) throws IOException {
        try (var entries = Files.list(dir)) {
            return entries.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }
}
