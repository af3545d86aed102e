package dev.fleetplane.pvesim;

import dev.fleetplane.pvesim.guest.NetnsGuests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PveSimulatorMainIT {

    private static final int RUNNING = 151;

    @TempDir
    Path tmp;

    private Process launch(String... args) throws Exception {
        return launch(List.of(), args);
    }

    private Process launch(List<String> jvmOptions, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), PveSimulatorMain.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().remove("PVESIM_TOKEN_SECRET");
        return pb.start();
    }

    @Test
    void main_printsUrl_servesSeededVms_andExitsAtStdinEof() throws Exception {
        Path seed = tmp.resolve("seed.json");
        Files.writeString(seed, "{\"vms\":[{\"vmid\":9003,\"name\":\"nixos-template\",\"node\":\"pve\",\"template\":true,"
                + "\"cores\":2,\"memoryMb\":2048,\"diskGb\":8,\"agent\":true}]}");
        Process p = launch("--port", "0", "--token-id", PveTestClient.TOKEN_ID, "--token-secret", PveTestClient.SECRET,
                "--seed", seed.toString(), "--task-millis", "0");
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertTrue(line != null && line.matches("pve-simulator: http://127\\.0\\.0\\.1:\\d+/api2/json"), line);
            String url = line.substring("pve-simulator: ".length());
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(url + "/cluster/resources?type=vm"))
                            .header("Authorization", "PVEAPIToken=" + PveTestClient.TOKEN_ID + "=" + PveTestClient.SECRET)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            assertTrue(response.body().contains("\"vmid\":9003"), response.body());
            p.getOutputStream().close();
            assertEquals(0, exitCode(p));
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void main_dropPrivilege_refusesTheClone_andRequestLogCountsIt() throws Exception {
        Path seed = tmp.resolve("seed.json");
        Files.writeString(seed, "{\"vms\":[{\"vmid\":9003,\"name\":\"nixos-template\",\"node\":\"pve\",\"template\":true,"
                + "\"cores\":2,\"memoryMb\":2048,\"diskGb\":8,\"agent\":true}]}");
        Path log = tmp.resolve("requests.log");
        Process p = launch("--port", "0", "--token-id", PveTestClient.TOKEN_ID, "--token-secret", PveTestClient.SECRET,
                "--seed", seed.toString(), "--drop-privilege", "VM.Clone", "--drop-privilege", "VM.PowerMgmt",
                "--request-log", log.toString());
        try {
            String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
            String url = line.substring("pve-simulator: ".length());
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(url + "/nodes/pve/qemu/9003/clone"))
                            .header("Authorization", "PVEAPIToken=" + PveTestClient.TOKEN_ID + "=" + PveTestClient.SECRET)
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString("newid=120")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(403, response.statusCode());
            assertTrue(response.body().contains("Permission check failed (/vms/9003, VM.Clone)"), response.body());
            List<String> lines = Files.readAllLines(log);
            assertEquals(1, lines.size(), lines.toString());
            assertTrue(lines.get(0).endsWith(" POST /api2/json/nodes/pve/qemu/9003/clone 403"), lines.get(0));
            p.getOutputStream().close();
            assertEquals(0, exitCode(p));
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void main_sigterm_stopsTheGuestsAndRemovesTheWorkDirectory() throws Exception {
        Prerequisites.require(Files.isExecutable(Path.of("/usr/sbin/sshd")) && Files.isExecutable(Path.of("/usr/bin/ssh-keygen")),
                "OpenSSH server is required");
        WithGuest sim = startWithRunningGuest("--guest-ssh-port",
                Integer.toString(freePort(dev.fleetplane.pvesim.qemu.GuestAddresses.ipv4(RUNNING))));
        try {
            sim.process().destroy(); // SIGTERM, as the e2e tests and a stopping ./fleetplane up send it

            assertEquals(143, exitCode(sim.process()), "128 + SIGTERM");
            assertFalse(Files.exists(sim.workDir()), "work directory left behind: " + sim.workDir());
            sim.sshd().onExit().get(10, TimeUnit.SECONDS);
        } finally {
            sim.process().destroyForcibly();
        }
    }

    @Test
    void main_sigterm_withNetnsGuests_removesTheirNamespaceAndBridge() throws Exception {
        Prerequisites.require(NetnsGuests.unsupportedReason().isEmpty(), () -> "netns guests: " + NetnsGuests.unsupportedReason().get());
        WithGuest sim = startWithRunningGuest("--guest-netns");
        try {
            Process identify = new ProcessBuilder("ip", "netns", "identify", Long.toString(sim.sshd().pid())).start();
            String ns = new String(identify.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertEquals(0, exitCode(identify));
            assertTrue(ns.startsWith("fpsim-"), ns);
            String bridge = "fpbr" + ns.split("-")[1];
            assertTrue(Files.exists(Path.of("/sys/class/net", bridge)), bridge);

            sim.process().destroy(); // SIGTERM

            assertEquals(143, exitCode(sim.process()), "128 + SIGTERM");
            sim.sshd().onExit().get(10, TimeUnit.SECONDS);
            assertFalse(Files.exists(Path.of("/run/netns", ns)), "namespace left behind: " + ns);
            assertFalse(Files.exists(Path.of("/sys/class/net", bridge)), "bridge left behind: " + bridge);
            assertFalse(Files.exists(sim.workDir()), "work directory left behind: " + sim.workDir());
        } finally {
            sim.process().destroyForcibly();
        }
    }

    @Test
    void main_sigkill_withNetnsGuests_theWatchdogRemovesTheirProcessesNamespaceBridgeAndWorkDirectory() throws Exception {
        Prerequisites.require(NetnsGuests.unsupportedReason().isEmpty(), () -> "netns guests: " + NetnsGuests.unsupportedReason().get());
        WithGuest sim = startWithRunningGuest("--guest-netns");
        try {
            String ns = netnsOf(sim.sshd());
            String bridge = "fpbr" + ns.split("-")[1];
            assertTrue(guestWatchdog(sim.process()).isPresent(), "a watchdog outlives the simulator's JVM");

            sim.process().destroyForcibly(); // SIGKILL: no shutdown hook

            sim.sshd().onExit().get(15, TimeUnit.SECONDS);
            awaitGone(List.of(Path.of("/run/netns", ns), Path.of("/sys/class/net", bridge), sim.workDir()));
        } finally {
            sim.process().destroyForcibly();
        }
    }

    @Test
    void sweepLeftovers_afterASimulatorAndItsWatchdogWereKilled_removesWhatTheyLeftAndSaysWhat() throws Exception {
        Prerequisites.require(NetnsGuests.unsupportedReason().isEmpty(), () -> "netns guests: " + NetnsGuests.unsupportedReason().get());
        WithGuest sim = startWithRunningGuest("--guest-netns");
        try {
            String ns = netnsOf(sim.sshd());
            String id = ns.split("-")[1];
            ProcessHandle watchdog = guestWatchdog(sim.process()).orElseThrow();
            watchdog.destroyForcibly(); // both gone at once, as with `kill -9 -PGID` or an OOM kill of the group
            watchdog.onExit().get(5, TimeUnit.SECONDS);
            sim.process().destroyForcibly();
            sim.process().waitFor(10, TimeUnit.SECONDS);
            assertTrue(Files.exists(Path.of("/run/netns", ns)) && sim.sshd().isAlive(), "left behind, nobody cleaned");

            List<String> swept = NetnsGuests.sweepLeftovers();

            String line = swept.stream().filter(l -> l.contains("fpbr" + id)).findFirst().orElseThrow(
                    () -> new AssertionError("nothing said about fpbr" + id + ": " + swept));
            assertTrue(line.contains("1 namespace(s)") && line.contains("work directory " + sim.workDir()), line);
            sim.sshd().onExit().get(10, TimeUnit.SECONDS);
            awaitGone(List.of(Path.of("/run/netns", ns), Path.of("/sys/class/net", "fpbr" + id), sim.workDir()));
        } finally {
            sim.process().destroyForcibly();
        }
    }

    private static String netnsOf(ProcessHandle process) throws Exception {
        Process identify = new ProcessBuilder("ip", "netns", "identify", Long.toString(process.pid())).start();
        String ns = new String(identify.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, exitCode(identify));
        assertTrue(ns.startsWith("fpsim-"), ns);
        return ns;
    }

    private static java.util.Optional<ProcessHandle> guestWatchdog(Process simulator) {
        return simulator.descendants().filter(h -> h.info().commandLine().or(() -> h.info().arguments()
                .map(a -> String.join(" ", a))).filter(c -> c.contains("fleetplane-guest-watchdog")).isPresent())
                .findFirst();
    }

    private static void awaitGone(List<Path> paths) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (paths.stream().anyMatch(Files::exists)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("left behind after 15 s: " + paths.stream().filter(Files::exists).toList());
            }
            Thread.sleep(100);
        }
    }

    @Test
    void main_nodeSshKey_printsTheNodesSshEndpoint_andSigtermStopsItsSshd() throws Exception {
        Prerequisites.require(Files.isExecutable(Path.of("/usr/sbin/sshd")) && Files.isExecutable(Path.of("/usr/bin/ssh-keygen")),
                "OpenSSH server is required");
        Path key = tmp.resolve("id_ed25519");
        assertEquals(0, exitCode(new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString())
                .redirectErrorStream(true).start()));
        Path javaTmp = Files.createDirectories(tmp.resolve("java-tmp"));
        Process p = launch(List.of("-Djava.io.tmpdir=" + javaTmp), "--port", "0", "--token-id", PveTestClient.TOKEN_ID,
                "--token-secret", PveTestClient.SECRET, "--ignore-stdin", "--node-ssh-key", key + ".pub",
                "--guest-defect", "no-agent@9003", "--guest-defect", "no-dhcp");
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            java.util.Map<String, String> printed = new java.util.LinkedHashMap<>();
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                int colon = line.indexOf(": ");
                printed.put(line.substring(0, colon), line.substring(colon + 2));
                if (line.startsWith("pve-node-dump-dir: ")) {
                    break;
                }
            }
            assertEquals(List.of("pve-simulator", "pve-node-ssh-node", "pve-node-ssh-host", "pve-node-ssh-port",
                    "pve-node-ssh-user", "pve-node-ssh-fingerprint", "pve-node-dump-dir"), List.copyOf(printed.keySet()));
            assertEquals("pve", printed.get("pve-node-ssh-node"));
            assertEquals("127.0.0.1", printed.get("pve-node-ssh-host"));
            assertEquals("root", printed.get("pve-node-ssh-user"));
            assertTrue(printed.get("pve-node-ssh-fingerprint").matches("SHA256:[A-Za-z0-9+/]{43}"), printed.toString());
            Path dumpDir = Path.of(printed.get("pve-node-dump-dir"));
            assertTrue(dumpDir.startsWith(javaTmp) && dumpDir.endsWith(Path.of("storage/pve/local/dump")), dumpDir.toString());
            assertTrue(Files.isDirectory(dumpDir), dumpDir.toString());
            int port = Integer.parseInt(printed.get("pve-node-ssh-port"));
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                String banner = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
                assertTrue(banner.startsWith("SSH-2.0-OpenSSH"), banner);
            }
            // The listener: an sshd whose parent is not one (the banner's connection forked a child that may still be
            // on its way out).
            List<ProcessHandle> sshds = p.descendants().filter(PveSimulatorMainIT::isSshd)
                    .filter(h -> h.parent().filter(PveSimulatorMainIT::isSshd).isEmpty()).toList();
            assertEquals(1, sshds.size(), "the node's sshd");

            p.destroy(); // SIGTERM

            assertEquals(143, exitCode(p), "128 + SIGTERM");
            sshds.get(0).onExit().get(10, TimeUnit.SECONDS);
            assertFalse(Files.exists(dumpDir.getParent().getParent().getParent().getParent()), "work directory left behind");
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void main_unknownGuestDefect_refusesToStartNamingIt() throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), PveSimulatorMain.class.getName(),
                "--port", "0", "--token-secret", "s", "--guest-defect", "no-disk@9003"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(2, exitCode(p));
            assertTrue(out.startsWith("pve-simulator: --guest-defect: unknown defect 'no-disk'; expected no-agent or"
                    + " no-dhcp, optionally @VMID"), out);
        } finally {
            p.destroyForcibly();
        }
    }

    private record WithGuest(Process process, Path workDir, ProcessHandle sshd) {
    }

    /** A simulator process whose seed VM runs (its guest sshd up), its work directory made under our temp dir. */
    private WithGuest startWithRunningGuest(String... guestOptions) throws Exception {
        Path key = tmp.resolve("id_ed25519");
        Process keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString())
                .redirectErrorStream(true).start();
        assertEquals(0, exitCode(keygen));
        Path seed = tmp.resolve("seed.json");
        Files.writeString(seed, "{\"vms\":[{\"vmid\":" + RUNNING + ",\"name\":\"web-1\",\"status\":\"running\"}]}");
        Path javaTmp = Files.createDirectories(tmp.resolve("java-tmp"));
        List<String> args = new ArrayList<>(List.of("--port", "0", "--token-id", PveTestClient.TOKEN_ID,
                "--token-secret", PveTestClient.SECRET, "--seed", seed.toString(), "--ignore-stdin",
                "--guest-ssh-authorized-keys", key + ".pub"));
        args.addAll(List.of(guestOptions));
        Process p = launch(List.of("-Djava.io.tmpdir=" + javaTmp), args.toArray(String[]::new));
        try {
            String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
            assertTrue(line != null && line.startsWith("pve-simulator: "), line);
            List<Path> workDirs;
            try (var entries = Files.list(javaTmp)) {
                workDirs = entries.filter(d -> d.getFileName().toString().startsWith("fleetplane-pvesim-")).toList();
            }
            assertEquals(1, workDirs.size(), workDirs.toString());
            List<ProcessHandle> sshds = p.descendants()
                    .filter(h -> h.info().command().filter(c -> c.endsWith("/sshd")).isPresent()).toList();
            assertEquals(1, sshds.size(), "the running seed VM's guest sshd");
            return new WithGuest(p, workDirs.get(0), sshds.get(0));
        } catch (Throwable e) {
            p.destroyForcibly();
            throw e;
        }
    }

    @Test
    void main_withoutTokenSecret_refusesToStart() throws Exception {
        Process p = launch("--port", "0");
        try {
            assertNull(new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine());
            assertEquals(2, exitCode(p));
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void main_guestNetnsWithoutAuthorizedKeys_refusesToStartNamingTheMissingOption() throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), PveSimulatorMain.class.getName(),
                "--port", "0", "--token-secret", "s", "--guest-netns"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(2, exitCode(p));
            org.junit.jupiter.api.Assertions.assertTrue(out.startsWith(
                    "pve-simulator: --guest-netns needs --guest-ssh-authorized-keys FILE"), out);
        } finally {
            p.destroyForcibly();
        }
    }

    private static int freePort(String address) throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(address, 0));
            return s.getLocalPort();
        }
    }

    private static int exitCode(Process p) throws InterruptedException {
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            throw new AssertionError("process did not exit");
        }
        return p.exitValue();
    }

    private static boolean isSshd(ProcessHandle h) {
        return h.info().command().filter(c -> c.endsWith("/sshd")).isPresent();
    }
}
