package dev.fleetplane.pvesim;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GuestSshIT {

    private static final String VM = "/nodes/pve/qemu/";
    private static final int GUEST = 150;

    @TempDir
    Path tmp;
    private Path key;
    private Path authorizedKeys;
    private int port;
    private PveSimulator sim;
    private PveTestClient client;

    @BeforeEach
    void keys() throws Exception {
        Prerequisites.require(Files.isExecutable(Path.of("/usr/sbin/sshd")) && Files.isExecutable(Path.of("/usr/bin/ssh")),
                "OpenSSH server and client are required");
        key = tmp.resolve("id_ed25519");
        run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString()), 10);
        authorizedKeys = tmp.resolve("authorized_keys");
        Files.copy(tmp.resolve("id_ed25519.pub"), authorizedKeys);
        port = freePort(GuestAddressesTestSupport.address(GUEST));
    }

    @AfterEach
    void close() {
        if (sim != null) {
            sim.close();
        }
    }

    private void start(GuestSsh ssh) {
        sim = PveSimulator.builder().apiToken(PveTestClient.TOKEN_ID, PveTestClient.SECRET)
                .guestSsh(ssh)
                .seed(SeedVm.template(9003, "nixos-template"))
                .build().start();
        client = new PveTestClient(sim);
        client.awaitTask("pve", client.post(VM + "9003/clone", "newid", Integer.toString(GUEST), "name", "dev").data().asText());
    }

    @Test
    void guestBackedVm_acceptsTestKey_andNixosRebuildSwitchesTheSystem() throws Exception {
        start(GuestSsh.of(authorizedKeys, port));
        String address = sim.guestAddress(GUEST);
        assertFalse(listening(address, port), "nothing listens before the VM starts");
        assertEquals("OK", client.awaitTask("pve", client.post(VM + GUEST + "/status/start").data().asText())
                .get("exitstatus").asText());
        assertTrue(listening(address, port), "the guest's sshd listens once the start task is done");
        assertEquals(200, client.get(VM + GUEST + "/agent/network-get-interfaces").status());

        Path guestDir = sim.guestDir(GUEST).orElseThrow();
        Path currentSystem = guestDir.resolve("run/current-system");
        Path before = Files.readSymbolicLink(currentSystem);

        Result rebuild = ssh(address, "nixos-rebuild switch --flake x#dev");
        assertEquals(0, rebuild.exit(), rebuild.output());
        assertTrue(rebuild.output().contains("activating the configuration..."), rebuild.output());
        Path after = Files.readSymbolicLink(currentSystem);
        assertNotEquals(before, after);
        assertTrue(after.getFileName().toString().endsWith("-nixos-system-dev-24.11.20241128.abcdef0"), after.toString());
        assertTrue(Files.isSymbolicLink(guestDir.resolve("nix/var/nix/profiles/system-2-link")));

        Files.writeString(guestDir.resolve("fail-rebuild"), "attribute 'dev' missing");
        Result failed = ssh(address, "nixos-rebuild switch --flake x#dev");
        assertNotEquals(0, failed.exit());
        assertTrue(failed.output().contains("error: attribute 'dev' missing"), failed.output());

        assertEquals("OK", client.awaitTask("pve", client.post(VM + GUEST + "/status/stop").data().asText())
                .get("exitstatus").asText());
        assertFalse(listening(address, port), "stop kills the guest's sshd");
    }

    @Test
    void close_killsEveryGuestSshd_andDeletesGuestDirectories() throws Exception {
        start(GuestSsh.of(authorizedKeys, port));
        client.awaitTask("pve", client.post(VM + GUEST + "/status/start").data().asText());
        Path guestDir = sim.guestDir(GUEST).orElseThrow();
        Process session = new ProcessBuilder("ssh", "-i", key.toString(), "-p", Integer.toString(port),
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes",
                "-o", "LogLevel=ERROR", "root@" + sim.guestAddress(GUEST), "sleep 300")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            List<ProcessHandle> sshds = awaitSession(guestDir);
            sim.close();
            assertTrue(session.waitFor(10, TimeUnit.SECONDS), "the open SSH session ends with the simulator");
            assertFalse(Files.exists(guestDir), "the guest directory is deleted");
            assertFalse(listening(sim.guestAddress(GUEST), port));
            for (ProcessHandle p : sshds) {
                assertFalse(p.isAlive(), "process " + p.pid() + " " + p.info().command().orElse("") + " outlived the simulator");
            }
        } finally {
            session.destroyForcibly();
        }
    }

    /** Waits until the guest's sshd has a session running {@code sleep}; returns sshd and all its descendants. */
    private static List<ProcessHandle> awaitSession(Path guestDir) {
        long deadline = System.currentTimeMillis() + 10_000;
        while (true) {
            List<ProcessHandle> tree = sshdsOf(guestDir);
            if (tree.stream().anyMatch(p -> p.info().command().orElse("").endsWith("/sleep"))) {
                return tree;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("no SSH session came up; guest processes: " + tree);
            }
            PveTestClient.sleep(50);
        }
    }

    @Test
    void start_withoutSshdInstalled_failsTheStartTaskClearly() {
        start(GuestSsh.of(authorizedKeys, port).withSshd(tmp.resolve("no-such-sshd")));
        String exit = client.awaitTask("pve", client.post(VM + GUEST + "/status/start").data().asText())
                .get("exitstatus").asText();
        assertTrue(exit.startsWith("cannot start the SSH server of guest VM " + GUEST), exit);
        assertTrue(exit.contains("is not installed"), exit);
        assertEquals("stopped", client.get(VM + GUEST + "/status/current").data().get("status").asText());
    }

    private record Result(int exit, String output) {
    }

    private Result ssh(String address, String command) throws Exception {
        return run(List.of("ssh", "-i", key.toString(), "-p", Integer.toString(port),
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes",
                "-o", "LogLevel=ERROR", "-o", "ConnectTimeout=5", "root@" + address, command), 30);
    }

    private static Result run(List<String> command, int timeoutSeconds) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " timed out: " + out);
        }
        return new Result(p.exitValue(), out);
    }

    private static boolean listening(String address, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), 300);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort(String address) throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(address, 0));
            return s.getLocalPort();
        }
    }

    private static List<ProcessHandle> sshdsOf(Path guestDir) {
        List<ProcessHandle> out = new ArrayList<>();
        ProcessHandle.current().children().forEach(p -> {
            try {
                String cmd = new String(Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline")));
                if (cmd.contains(guestDir.toString())) {
                    out.add(p);
                    p.descendants().forEach(out::add);
                }
            } catch (IOException e) {
                // process already gone
            }
        });
        return out;
    }

    /** The guest address the simulator will use, so the test can pick a port free on it. */
    static final class GuestAddressesTestSupport {
        static String address(int vmid) {
            return dev.fleetplane.pvesim.qemu.GuestAddresses.ipv4(vmid);
        }
    }
}
