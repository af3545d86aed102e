package dev.fleetplane.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.proxmox.client.Preflight;
import dev.fleetplane.proxmox.client.PveConnection;
import dev.fleetplane.pvesim.PveSimulator;
import dev.fleetplane.pvesim.SeedVm;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code fleetplane preflight} run in-process against the HTTPS PVE simulator, trusted by a pinned fingerprint. */
class PreflightIT {

    private static final String OPS = "fleetplane@pve!ops";
    private static final String OPS_SECRET = "7c1e2f3a-aaaa-4bbb-8ccc-0d1e2f3a4b5c";
    private static final String FRESH = "fleetplane@pve!fresh";
    private static final String FRESH_SECRET = "1a2b3c4d-dddd-4eee-8fff-5a6b7c8d9e0f";
    private static final List<String> SECRETS = List.of(OPS_SECRET, FRESH_SECRET);

    private static PveSimulator sim;

    @TempDir
    static Path tmp;

    record Run(int exit, String out, String err) {
        String all() {
            return out + err;
        }

        List<String> problems() {
            return out.lines().filter(l -> l.startsWith("problem: ")).toList();
        }
    }

    @BeforeAll
    static void startSimulator() {
        sim = PveSimulator.builder().https(true).apiToken(OPS, OPS_SECRET).apiTokenWithoutAcls(FRESH, FRESH_SECRET)
                .seed(SeedVm.template(9003, "nixos-template"), SeedVm.vm(111, "web-1"))
                .build().start();
    }

    @AfterAll
    static void stopSimulator() {
        if (sim != null) {
            sim.close();
        }
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = FleetctlMain.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        ((PreflightCommand) cli.getSubcommands().get("preflight").getCommand()).env = Map.of();
        int exit = cli.execute(args);
        Run r = new Run(exit, out.toString(), err.toString());
        for (String secret : SECRETS) {
            assertFalse(r.all().contains(secret), "a secret was printed:\n" + r.all());
        }
        return r;
    }

    private static Run preflight(String token, String... more) {
        List<String> args = new ArrayList<>(List.of("preflight", "--pve-url", sim.baseUrl(), "--token", token,
                "--fingerprint", sim.fingerprint()));
        args.addAll(List.of(more));
        return run(args.toArray(String[]::new));
    }

    private static Path spec(String node, int template, String storage) throws Exception {
        Path f = Files.createTempFile(tmp, "hosts", ".json");
        Files.writeString(f, "{\"_proxmox\": {\"host\": \"127.0.0.1\", \"node\": \"" + node + "\", \"defaultStorage\": \""
                + storage + "\", \"templateVmid\": " + template + "}}");
        return f;
    }

    @Test
    void fullToken_withTheSpecsTemplateAndStorage_isReady() throws Exception {
        Run r = preflight(OPS + "=" + OPS_SECRET, "--spec", spec("pve", 9003, "local-lvm").toString());
        assertEquals(0, r.exit(), r.all());
        assertTrue(r.out().contains("ok: Proxmox VE 9.1.2 at "), r.out());
        assertTrue(r.out().contains("ok: template 9003 (nixos-template) on node pve is a template"), r.out());
        assertTrue(r.out().contains("ok: storage local-lvm on node pve holds VM disks (images)"), r.out());
        assertTrue(r.out().strip().endsWith("preflight: ready"), r.out());
    }

    @Test
    void droppedVmClone_isRefusedNamingThePrivilegeAndItsPath() throws Exception {
        sim.faults().dropPrivileges("VM.Clone");
        try {
            Run r = preflight(OPS + "=" + OPS_SECRET, "--spec", spec("pve", 9003, "local-lvm").toString());
            assertEquals(1, r.exit(), r.all());
            assertEquals(List.of("problem: token fleetplane@pve!ops lacks VM.Clone on /vms/9003 (grant a role with it to"
                    + " the token itself and its user: pveum acl modify /vms --tokens 'fleetplane@pve!ops' --users"
                    + " 'fleetplane@pve' --roles PVEVMAdmin)"), r.problems());
            assertTrue(r.out().contains("preflight: 1 problem; fleetplane will not report ready until it is fixed"));
        } finally {
            sim.faults().restorePrivileges();
        }
    }

    @Test
    void tokenWithoutAcls_namesWhatItLacksOnEachPath() throws Exception {
        Run r = preflight(FRESH + "=" + FRESH_SECRET, "--spec", spec("pve", 9003, "local-lvm").toString());
        assertEquals(1, r.exit(), r.all());
        List<String> p = r.problems();
        assertTrue(p.get(0).startsWith("problem: token fleetplane@pve!fresh has no privileges at all"), p.toString());
        assertTrue(p.stream().anyMatch(l -> l.contains("lacks VM.Clone, VM.Audit on /vms/9003")), p.toString());
        assertTrue(p.stream().anyMatch(l -> l.contains("lacks VM.Allocate, VM.Audit, VM.Config.CPU")
                && l.contains("VM.GuestAgent.Audit") && l.contains(" on /vms (propagated")), p.toString());
        assertTrue(p.stream().anyMatch(l -> l.contains("lacks Datastore.AllocateSpace, Datastore.Audit on"
                + " /storage/local-lvm")), p.toString());
        assertTrue(p.stream().anyMatch(l -> l.startsWith("problem: template 9003 does not exist, or the token cannot"
                + " see it")), p.toString());
    }

    @Test
    void missingTemplate_andAVmThatIsNotATemplate_areRefused() {
        Run missing = preflight(OPS + "=" + OPS_SECRET, "--template", "9999");
        assertEquals(1, missing.exit(), missing.all());
        assertEquals(1, missing.problems().size(), missing.out());
        assertTrue(missing.problems().get(0).startsWith("problem: template 9999 does not exist"), missing.out());
        Run vm = preflight(OPS + "=" + OPS_SECRET, "--template", "111");
        assertEquals(List.of("problem: template 111 on node pve is a VM, not a template (convert it: qm template 111)"),
                vm.problems());
    }

    @Test
    void missingStorage_andStorageWithoutImages_areRefused() {
        Run missing = preflight(OPS + "=" + OPS_SECRET, "--storage", "local-zfs");
        assertEquals(1, missing.exit(), missing.all());
        assertEquals(List.of("problem: storage local-zfs does not exist on node pve, or the token cannot see it (it sees"
                + " local, local-lvm; set _proxmox.defaultStorage, or grant Datastore.Audit on /storage/local-zfs)"),
                missing.problems());
        Run noImages = preflight(OPS + "=" + OPS_SECRET, "--storage", "local");
        assertTrue(noImages.problems().get(0).startsWith("problem: storage local has no 'images' content"),
                noImages.out());
    }

    @Test
    void unknownNode_isOneLineListingTheNodes() {
        Run r = preflight(OPS + "=" + OPS_SECRET, "--node", "pve9");
        assertEquals(List.of("problem: node pve9 is not a node of this cluster (nodes: pve; set _proxmox.node)"),
                r.problems());
    }

    @Test
    void wrongSecret_isOneLineSayingTheTokenWasRefused() {
        Run r = preflight(OPS + "=not-the-secret-at-all");
        assertEquals(1, r.exit(), r.all());
        assertEquals(1, r.problems().size(), r.out());
        assertTrue(r.problems().get(0).startsWith("problem: Proxmox at " + sim.url() + " refused API token "
                + "fleetplane@pve!ops (401"), r.out());
        assertFalse(r.all().contains("not-the-secret-at-all"), r.all());
    }

    @Test
    void wrongFingerprintPin_isOneLineNamingBothFingerprints() {
        String other = "AA:" + sim.fingerprint().substring(3).replace('A', 'B');
        String pinned = other.equals(sim.fingerprint()) ? "00" + sim.fingerprint().substring(2) : other;
        Run r = run("preflight", "--pve-url", sim.baseUrl(), "--token", OPS + "=" + OPS_SECRET, "--fingerprint", pinned);
        assertEquals(1, r.exit(), r.all());
        assertEquals(1, r.problems().size(), r.out());
        String line = r.problems().get(0);
        assertTrue(line.contains(sim.fingerprint()) && line.contains(pinned), line);
        assertTrue(line.contains("--fingerprint " + sim.fingerprint()), line);
    }

    @Test
    void unreachableUrl_isOneLineNamingIt() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Run r = run("preflight", "--pve-url", "https://127.0.0.1:" + port, "--token", OPS + "=" + OPS_SECRET,
                "--fingerprint", sim.fingerprint());
        assertEquals(1, r.exit(), r.all());
        assertEquals(1, r.problems().size(), r.out());
        assertTrue(r.problems().get(0).startsWith("problem: Proxmox at https://127.0.0.1:" + port
                + "/api2/json is unreachable: "), r.out());
    }

    @Test
    void tokenFile_readableByOthers_isRefusedNamingModeAndFix_andAPrivateOneWorks() throws Exception {
        Path file = tmp.resolve("pve-token");
        Files.writeString(file, OPS + "=" + OPS_SECRET + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        Run open = run("preflight", "--pve-url", sim.baseUrl(), "--token-file", file.toString(), "--fingerprint",
                sim.fingerprint());
        assertEquals(1, open.exit(), open.all());
        assertEquals("fleetplane: --token-file " + file + " may be read by others (mode 0644): it holds a secret, so"
                + " fleetplane refuses it; run chmod 600 " + file, open.err().strip());
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        Run ok = run("preflight", "--pve-url", sim.baseUrl(), "--token-file", file.toString(), "--fingerprint",
                sim.fingerprint());
        assertEquals(0, ok.exit(), ok.all());
    }

    @Test
    void check_isCallableFromJava_asAListOfProblems() {
        PveConnection connection = PveConnection.of(sim.url(), OPS, OPS_SECRET).fingerprint(sim.fingerprint());
        sim.faults().dropPrivileges("VM.Clone");
        try {
            List<String> problems = PreflightCheck.problems(connection,
                    new Preflight.Needs("pve", OptionalInt.of(9003), Optional.of("local-lvm")));
            assertEquals(1, problems.size(), problems.toString());
            assertTrue(problems.get(0).startsWith("token fleetplane@pve!ops lacks VM.Clone on /vms/9003"));
        } finally {
            sim.faults().restorePrivileges();
        }
    }
}
