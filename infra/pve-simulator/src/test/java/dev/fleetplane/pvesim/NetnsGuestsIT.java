package dev.fleetplane.pvesim;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetplane.pvesim.guest.NetnsGuests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Netns guests against real namespaces, a real sshd and the system ssh client (needs root; skipped otherwise). */
class NetnsGuestsIT {

    private static final String VM = "/nodes/pve/qemu/";
    private static final int GUEST = 150;
    private static final String ADMIN = "admin";
    private static final Path SUDO = Path.of("/usr/bin/sudo");

    @TempDir
    Path tmp;
    private Path key;
    private Path simulatorKeys;
    private PveSimulator sim;
    private PveTestClient client;
    private final List<Process> clients = new ArrayList<>();

    @BeforeEach
    void keys() throws Exception {
        Prerequisites.require(NetnsGuests.unsupportedReason().isEmpty(), () -> "netns guests: " + NetnsGuests.unsupportedReason().get());
        Prerequisites.require(Files.isExecutable(Path.of("/usr/bin/ssh")), "the OpenSSH client is required");
        key = tmp.resolve("id_ed25519");
        run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString()), 10);
        simulatorKeys = tmp.resolve("authorized_keys");
        Files.copy(tmp.resolve("id_ed25519.pub"), simulatorKeys);
    }

    @AfterEach
    void close() {
        clients.forEach(Process::destroyForcibly);
        if (sim != null) {
            sim.close();
        }
    }

    /** A simulator with netns guests and VM {@link #GUEST} cloned from a template, not started. */
    private void start(Duration dhcpDelay, boolean withCloudInit, Consumer<dev.fleetplane.pvesim.faults.Faults> faults)
            throws Exception {
        sim = PveSimulator.builder().apiToken(PveTestClient.TOKEN_ID, PveTestClient.SECRET)
                .guestSsh(GuestSsh.of(simulatorKeys)).netnsGuests(true)
                .guestDhcpDelay(dhcpDelay)
                .faults(faults)
                .seed(SeedVm.template(9003, "nixos-template"))
                .build().start();
        assertTrue(sim.hasNetnsGuests());
        client = new PveTestClient(sim);
        client.awaitTask("pve", client.post(VM + "9003/clone", "newid", Integer.toString(GUEST), "name", "dev").data().asText());
        if (withCloudInit) {
            String pub = Files.readString(tmp.resolve("id_ed25519.pub")).strip();
            String encoded = URLEncoder.encode(pub, StandardCharsets.UTF_8).replace("+", "%20");
            assertEquals(200, client.put(VM + GUEST + "/config", "ciuser", ADMIN, "sshkeys", encoded).status());
        }
    }

    private void powerOn(int vmid) {
        assertEquals("OK", client.awaitTask("pve", client.post(VM + vmid + "/status/start").data().asText())
                .get("exitstatus").asText());
    }

    private void powerOff(int vmid) {
        assertEquals("OK", client.awaitTask("pve", client.post(VM + vmid + "/status/stop").data().asText())
                .get("exitstatus").asText());
    }

    @Test
    void boot_agentReportsTheNamespacesAddresses_andRootAndCiuserLogIn() throws Exception {
        start(Duration.ofMillis(1500), true, f -> { });
        powerOn(GUEST);
        String mac = client.get(VM + GUEST + "/config").data().get("net0").asText().replaceAll("^virtio=([^,]+),.*$", "$1")
                .toLowerCase(Locale.ROOT);

        JsonNode early = interfaces(GUEST);
        assertEquals("lo", early.get(0).get("name").asText(), "lo comes first: " + early);
        assertEquals("127.0.0.1", early.get(0).get("ip-addresses").get(0).get("ip-address").asText());
        JsonNode nic = early.get(1);
        assertEquals("ens18", nic.get("name").asText());
        assertEquals(mac, nic.get("hardware-address").asText(), "ens18 carries net0's MAC");
        assertTrue(ipv4(nic).isEmpty(), "before the DHCP delay only the link-local address: " + nic);
        assertEquals(dev.fleetplane.pvesim.qemu.MacAddresses.linkLocalIpv6(mac),
                nic.get("ip-addresses").get(0).get("ip-address").asText(), "the kernel's EUI-64 link-local address");
        assertTrue(nic.get("ip-addresses").get(0).get("prefix").asInt() == 64, nic.toString());

        String address = awaitIpv4(GUEST, null);
        assertEquals(sim.guestAddress(GUEST), address);
        assertTrue(sim.guestSubnet().orElseThrow().startsWith(address.substring(0, address.lastIndexOf('.') + 1)),
                address + " lies in " + sim.guestSubnet());
        String ns = sim.guestNetns(GUEST).orElseThrow();
        assertTrue(run(List.of("ip", "-n", ns, "-br", "addr", "show", "ens18"), 5).output().contains(address + "/21"));

        Result root = ssh("root", address, "id -un; hostname; readlink /run/current-system");
        assertEquals(0, root.exit(), root.output());
        assertTrue(root.output().startsWith("root\ndev\n"), "the guest's hostname is the VM's name: " + root.output());
        assertTrue(root.output().contains("nixos-system-nixos-24.11"), root.output());
        Result admin = ssh(ADMIN, address, "id -un; pwd; command -v nixos-rebuild systemd-run systemctl");
        assertEquals(0, admin.exit(), admin.output());
        assertTrue(admin.output().startsWith(ADMIN + "\n/home/" + ADMIN + "\n"), admin.output());
        assertTrue(admin.output().contains("/bin/systemd-run"), admin.output());
        assertFalse(run(List.of("grep", "-q", "^" + ADMIN + ":", "/etc/passwd"), 5).exit() == 0,
                "the guest's user is not one of this machine's");
        if (Files.isExecutable(SUDO)) {
            Result sudo = ssh(ADMIN, address, "sudo -n id -u");
            assertEquals("0", sudo.output().strip(), "wheel may sudo without a password");
        }
    }

    @Test
    void noDhcpDefect_leavesEns18WithItsLinkLocalAddressOnly() throws Exception {
        // DHCP delay zero: a lease would be on ens18 before the start task ends, so its absence is settled then
        start(Duration.ZERO, false, f -> f.guestDefectInClonesOf(9003, dev.fleetplane.pvesim.qemu.GuestDefect.NO_DHCP, true));
        powerOn(GUEST);
        JsonNode nic = interfaces(GUEST).get(1);
        assertEquals("ens18", nic.get("name").asText());
        assertTrue(ipv4(nic).isEmpty(), "no lease: " + nic);
        assertEquals(1, nic.get("ip-addresses").size(), nic.toString());
        assertTrue(nic.get("ip-addresses").get(0).get("ip-address").asText().startsWith("fe80::"), nic.toString());
        String ns = sim.guestNetns(GUEST).orElseThrow();
        assertEquals("", run(List.of("ip", "-n", ns, "-4", "-br", "addr", "show", "ens18"), 5).output().strip()
                .replaceAll("^ens18\\s+UP\\s*$", ""), "the namespace has no IPv4 on ens18 either");
    }

    @Test
    void stoppedSshd_refusesConnections_whileTheAgentReportsTheAddress_untilItIsStartedAgain() throws Exception {
        start(Duration.ZERO, true, f -> { });
        powerOn(GUEST);
        String address = awaitIpv4(GUEST, null);

        sim.stopGuestSshd(GUEST);
        Result refused = ssh("root", address, "true");
        assertEquals(255, refused.exit(), refused.output());
        assertTrue(refused.output().contains("Connection refused"), refused.output());
        assertEquals(address, awaitIpv4(GUEST, null), "the guest is up, only its sshd is not");

        sim.startGuestSshd(GUEST);
        Result root = ssh("root", address, "readlink /run/current-system");
        assertEquals(0, root.exit(), root.output());
        assertTrue(root.output().contains("nixos-system-nixos-24.11"), "the guest's own view again: " + root.output());
    }

    @Test
    void switch_movesTheGuestToItsNextAddress_andRootIsRefusedAfterwards() throws Exception {
        start(Duration.ZERO, true, f -> { });
        powerOn(GUEST);
        String before = awaitIpv4(GUEST, null);

        long t0 = System.currentTimeMillis();
        Result rebuild = ssh("root", before, "nixos-rebuild switch --flake x#dev");
        assertNotEquals(0, rebuild.exit(), "the session dies with its address: " + rebuild.output());
        assertTrue(rebuild.output().contains("restarting the following units: systemd-networkd.service"), rebuild.output());
        assertFalse(rebuild.output().contains("Done."), "printed after the move, never seen: " + rebuild.output());
        assertTrue(System.currentTimeMillis() - t0 < 15_000);

        String after = awaitIpv4(GUEST, before);
        assertNotEquals(before, after);
        assertEquals(after, sim.guestAddress(GUEST));
        Result admin = ssh(ADMIN, after, "readlink /run/current-system; grep ^PermitRootLogin /etc/ssh/sshd_config; nixos-rebuild list-generations");
        assertEquals(0, admin.exit(), admin.output());
        assertTrue(admin.output().contains("-nixos-system-dev-24.11.20241128.abcdef0\n"), admin.output());
        assertTrue(admin.output().contains("PermitRootLogin no"), admin.output());
        assertTrue(admin.output().contains("2 current"), admin.output());
        assertTrue(run(List.of("ip", "-n", sim.guestNetns(GUEST).orElseThrow(), "-br", "-4", "addr", "show", "ens18"), 5)
                .output().contains(after + "/21"), "the namespace holds the new address");
        Result root = ssh("root", after, "true");
        assertEquals(255, root.exit(), "root login is refused after the switch: " + root.output());
        assertTrue(root.output().contains("Permission denied"), root.output());
        assertEquals(255, ssh(ADMIN, before, "true").exit(), "nothing answers on the old address");

        // The lease is the new address now, across a reboot too.
        powerOff(GUEST);
        powerOn(GUEST);
        assertEquals(after, awaitIpv4(GUEST, null));
    }

    @Test
    void watchdog_notDisarmed_rollsBackAndRestoresRootLogin() throws Exception {
        start(Duration.ZERO, true, f -> f.ipChangeOnNetworkRestart(GUEST, false));
        powerOn(GUEST);
        String address = awaitIpv4(GUEST, null);
        String first = ssh("root", address, "readlink /run/current-system").output().strip();

        Result armed = ssh("root", address, "systemd-run --unit=fp-rollback --on-active=2s nixos-rebuild switch --rollback"
                + " && systemctl is-active fp-rollback.timer && nixos-rebuild switch --flake x#dev");
        assertEquals(0, armed.exit(), "without an IP change the session survives the switch: " + armed.output());
        assertTrue(armed.output().contains("Running timer as unit: fp-rollback.timer\n"), armed.output());
        assertTrue(armed.output().contains("active\n"), armed.output());
        assertTrue(armed.output().contains("reloading the following units: sshd.service"), armed.output());
        assertEquals(255, ssh("root", address, "true").exit(), "root is refused by the new generation");

        awaitTrue(() -> ssh(ADMIN, address, "readlink /run/current-system").output().strip().equals(first),
                "the watchdog rolls back to the first generation");
        // The activation links current-system before it rewrites sshd_config and reloads sshd (as NixOS's does): root
        // is admitted a moment after the link moved, not at the same instant.
        awaitTrue(() -> ssh("root", address, "true").exit() == 0, "root logs in again once sshd has reloaded");
        Result root = ssh("root", address, "grep ^PermitRootLogin /etc/ssh/sshd_config; systemctl is-active fp-rollback.timer");
        assertEquals(3, root.exit(), "root logs in again; the timer has elapsed: " + root.output());
        assertTrue(root.output().contains("PermitRootLogin prohibit-password\ninactive"), root.output());
    }

    @Test
    void watchdog_disarmedOverAFreshConnectionToTheNewAddress_keepsTheNewGeneration() throws Exception {
        Prerequisites.require(Files.isExecutable(SUDO), "the admin disarms with sudo: apt-get install sudo");
        start(Duration.ZERO, true, f -> { });
        powerOn(GUEST);
        String before = awaitIpv4(GUEST, null);
        long armedAt = System.currentTimeMillis();
        Result armed = ssh("root", before, "systemd-run --unit=fp-rollback --on-active=8s nixos-rebuild switch --rollback"
                + " && nixos-rebuild switch --flake x#dev");
        assertNotEquals(0, armed.exit(), armed.output());
        String after = awaitIpv4(GUEST, before);
        Result disarm = ssh(ADMIN, after, "sudo systemctl stop fp-rollback.timer; systemctl is-active fp-rollback.timer");
        assertEquals(3, disarm.exit(), disarm.output());
        assertEquals("inactive", disarm.output().strip());
        PveTestClient.sleep(Math.max(0, armedAt + 8_500 - System.currentTimeMillis()));
        Result still = ssh(ADMIN, after, "readlink /run/current-system");
        assertTrue(still.output().contains("-nixos-system-dev-"), "no rollback after disarming: " + still.output());
    }

    @Test
    void breakSshOnSwitch_stopsSshd_andTheRollbackRestoresIt() throws Exception {
        start(Duration.ZERO, false, f -> f.ipChangeOnNetworkRestart(false));
        powerOn(GUEST);
        String address = awaitIpv4(GUEST, null);
        Files.writeString(sim.guestDir(GUEST).orElseThrow().resolve("break-ssh-on-switch"), "");

        Result armed = ssh("root", address, "systemd-run --unit=fp-rollback --on-active=2s nixos-rebuild switch --rollback"
                + " && nixos-rebuild switch --flake x#dev");
        assertEquals(0, armed.exit(), "the session that ran the switch survives sshd's stop: " + armed.output());
        assertTrue(armed.output().contains("stopping the following units: sshd.service"), armed.output());
        Result refused = ssh("root", address, "true");
        assertEquals(255, refused.exit());
        assertTrue(refused.output().contains("Connection refused"), refused.output());

        awaitTrue(() -> ssh("root", address, "true").exit() == 0, "the rollback starts sshd again");
        Result gen = ssh("root", address, "nixos-rebuild list-generations");
        assertTrue(gen.output().contains("1 current"), gen.output());
    }

    @Test
    void haltDestroyAndClose_leaveNoNamespaceLinkOrProcess() throws Exception {
        start(Duration.ZERO, false, f -> { });
        powerOn(GUEST);
        String address = awaitIpv4(GUEST, null);
        String ns = sim.guestNetns(GUEST).orElseThrow();
        String id = ns.split("-")[1];
        Path dir = sim.guestDir(GUEST).orElseThrow();
        assertEquals(0, ssh("root", address, "systemd-run --unit=far --on-active=300s true").exit(),
                "root logs in with the simulator-wide keys when the VM has no sshkeys");
        Process session = sshInBackground("root", address, "sleep 300");
        awaitTrue(() -> pidsIn(ns).size() >= 4, "sshd, the session and the detached timer run in " + ns);
        List<String> inside = pidsIn(ns);

        powerOff(GUEST);
        assertTrue(session.waitFor(10, TimeUnit.SECONDS), "the session ends with the VM");
        assertNoTrace(ns, id, false);
        assertNoProcess(inside);

        powerOn(GUEST);
        assertEquals(address, awaitIpv4(GUEST, null), "the lease survives a reboot");
        List<String> second = pidsIn(ns);
        powerOff(GUEST);
        assertEquals(200, client.delete(VM + GUEST).status());
        awaitTrue(() -> !Files.exists(dir), "destroy removes the guest directory");
        assertNoProcess(second);

        client.awaitTask("pve", client.post(VM + "9003/clone", "newid", "151", "name", "other").data().asText());
        powerOn(151);
        String ns151 = sim.guestNetns(151).orElseThrow();
        Process other = sshInBackground("root", awaitIpv4(151, null), "sleep 300");
        awaitTrue(() -> pidsIn(ns151).size() >= 2, "a session runs in " + ns151);
        List<String> third = pidsIn(ns151);
        sim.close();
        assertTrue(other.waitFor(10, TimeUnit.SECONDS), "the session ends with the simulator");
        assertNoTrace(ns151, id, true);
        assertNoProcess(third);
    }

    @Test
    void twoSimulatorsAtOnce_getTheirOwnSubnetBridgeAndNamespaces() throws Exception {
        start(Duration.ZERO, false, f -> { });
        powerOn(GUEST);
        try (PveSimulator second = PveSimulator.builder().apiToken(PveTestClient.TOKEN_ID, PveTestClient.SECRET)
                .guestSsh(GuestSsh.of(simulatorKeys)).netnsGuests(true)
                .seed(SeedVm.vm(GUEST, "twin").running())
                .build().start()) {
            assertNotEquals(sim.guestSubnet().orElseThrow(), second.guestSubnet().orElseThrow());
            assertNotEquals(sim.guestNetns(GUEST).orElseThrow(), second.guestNetns(GUEST).orElseThrow());
            assertEquals(0, ssh("root", second.guestAddress(GUEST), "true").exit());
            assertEquals(0, ssh("root", awaitIpv4(GUEST, null), "true").exit());
        }
        assertEquals(0, ssh("root", awaitIpv4(GUEST, null), "true").exit(), "closing one leaves the other's guests alone");
    }

    private void assertNoTrace(String ns, String id, boolean bridgeToo) throws Exception {
        String namespaces = run(List.of("ip", "netns", "list"), 5).output();
        assertFalse(namespaces.contains(ns), ns + " is left: " + namespaces);
        String links = run(List.of("ip", "-o", "link", "show"), 5).output();
        assertFalse(links.contains("fv" + id), "a veth is left: " + links);
        if (bridgeToo) {
            assertFalse(links.contains("fpbr" + id), "the bridge is left: " + links);
        }
    }

    private static void assertNoProcess(List<String> pids) {
        for (String pid : pids) {
            ProcessHandle.of(Long.parseLong(pid)).ifPresent(p -> {
                try {
                    p.onExit().get(2, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new AssertionError("process " + pid + " " + p.info().commandLine().orElse("")
                            + " outlived its guest", e);
                }
            });
        }
    }

    private static List<String> pidsIn(String ns) {
        try {
            return List.of(run(List.of("ip", "netns", "pids", ns), 5).output().strip().split("\\s+")).stream()
                    .filter(s -> !s.isBlank()).toList();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private JsonNode interfaces(int vmid) {
        PveTestClient.Response r = client.get(VM + vmid + "/agent/network-get-interfaces");
        assertEquals(200, r.status(), r.body().toString());
        return r.data().get("result");
    }

    private static String ipv4(JsonNode nic) {
        for (JsonNode a : nic.get("ip-addresses")) {
            if (a.get("ip-address-type").asText().equals("ipv4")) {
                assertEquals(21, a.get("prefix").asInt());
                return a.get("ip-address").asText();
            }
        }
        return "";
    }

    /** Polls the agent until ens18 has an IPv4 address other than {@code not}. */
    private String awaitIpv4(int vmid, String not) {
        long deadline = System.currentTimeMillis() + 10_000;
        while (true) {
            JsonNode nic = interfaces(vmid).get(1);
            String address = ipv4(nic);
            if (!address.isEmpty() && !address.equals(not)) {
                return address;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("the agent reports no new IPv4 address: " + nic);
            }
            PveTestClient.sleep(50);
        }
    }

    private interface Check {
        boolean ok() throws Exception;
    }

    private static void awaitTrue(Check check, String what) throws Exception {
        long deadline = System.currentTimeMillis() + 15_000;
        while (!check.ok()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out: " + what);
            }
            PveTestClient.sleep(100);
        }
    }

    private record Result(int exit, String output) {
    }

    private List<String> sshCommand(String user, String address, String command) {
        return List.of("ssh", "-i", key.toString(), "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                "-o", "BatchMode=yes", "-o", "LogLevel=ERROR", "-o", "ConnectTimeout=3",
                "-o", "ServerAliveInterval=1", "-o", "ServerAliveCountMax=3", user + "@" + address, command);
    }

    private Result ssh(String user, String address, String command) throws Exception {
        return run(sshCommand(user, address, command), 30);
    }

    private Process sshInBackground(String user, String address, String command) throws Exception {
        Process p = new ProcessBuilder(sshCommand(user, address, command)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        clients.add(p);
        return p;
    }

    private static Result run(List<String> command, int timeoutSeconds) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " timed out: " + out);
        }
        return new Result(p.exitValue(), out);
    }
}
