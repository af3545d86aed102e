package dev.fleetplane.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleetplane.plancore.spec.NixEvaluator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code plan --spec} and {@code push}'s choice of body on plan-core's multi-file seed fleet
 * ({@code hosts.nix} importing {@code vms.nix} and {@code vms/definitions.nix}), with the real nix-instantiate.
 * The planner's side of the push (the evaluated JSON accepted and planned) is the planner's {@code SeedFleetSpecIT}.
 */
class SeedFleetIT {

    static final Path SEED = Path.of("../plan-core/src/test/resources/seed-fleet");
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** What examples/pve-seed.json puts in the simulator: the template and the imported dev VM. */
    private Path inventory() throws Exception {
        Path file = dir.resolve("resources.json");
        Files.writeString(file, """
                [{"vmid": 9003, "name": "nixos-template", "node": "pve", "status": "stopped", "template": 1,
                  "maxcpu": 2, "maxmem": 2147483648, "maxdisk": 8589934592},
                 {"vmid": 110, "name": "dev", "node": "pve", "status": "running", "maxcpu": 4,
                  "maxmem": 8589934592, "maxdisk": 68719476736}]""");
        return file;
    }

    private record Run(int exit, String out, String err) {
    }

    /** PlanCommand prints to System.out / System.err, so both are captured around the in-process run. */
    private static Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            CommandLine cli = FleetctlMain.commandLine();
            int exit = cli.execute(args);
            return new Run(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void planSpecOffline_evaluatesTheImports_keepsDev_createsWebAndDb_andLeavesTheLaptopAlone() throws Exception {
        Run r = run("plan", "--spec", SEED.resolve("hosts.nix").toString(), "--inventory", inventory().toString(),
                "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode plan = JSON.readTree(r.out());
        assertEquals(3, plan.path("resource_changes").size(), r.out());
        for (JsonNode c : plan.path("resource_changes")) {
            String address = c.path("address").asText();
            switch (address) {
                // Offline, the VM found at dev's VMID is taken as managed already (OfflineState): nothing to do.
                case "proxmox_vm.dev" -> assertEquals("no-op", c.path("change").path("actions").get(0).asText(), c.toString());
                case "proxmox_vm.web", "proxmox_vm.db" ->
                        assertEquals("create", c.path("change").path("actions").get(0).asText(), c.toString());
                default -> throw new AssertionError("unexpected change " + address);
            }
        }
        Run text = run("plan", "--spec", SEED.resolve("hosts.nix").toString(), "--inventory", inventory().toString());
        assertEquals(0, text.exit(), text.err());
        assertTrue(text.out().contains("Plan: 2 to add, 0 to change, 0 to destroy."), text.out());
        assertTrue(text.out().contains("Unmanaged hosts (no proxmox attribute, never touched): laptop"), text.out());
    }

    @Test
    void planSpecOffline_withARootAboveTheHostsFile_readsFilesBesideItsDirectory() throws Exception {
        Path flake = dir.resolve("flake");
        copy(SEED, flake.resolve("terranix"));
        Files.writeString(flake.resolve("masterKeys.nix"), "[ \"ssh-ed25519 AAAA flake-master\" ]");
        Path hosts = flake.resolve("terranix/hosts.nix");
        Files.writeString(hosts, Files.readString(hosts).replaceFirst("(?s)masterKeys = \\[.*?\\];",
                "masterKeys = import ../masterKeys.nix;"));
        Run refused = run("plan", "--spec", hosts.toString(), "--inventory", inventory().toString());
        assertEquals(1, refused.exit());
        assertTrue(refused.err().contains(hosts + " does not evaluate"), refused.err());
        assertTrue(refused.err().contains("access to absolute path '" + flake.toRealPath().resolve("masterKeys.nix")
                + "' is forbidden in restricted mode"), refused.err());
        assertTrue(refused.err().contains("only files under the root"), refused.err());

        Run r = run("plan", "--spec", hosts.toString(), "--root", flake.toString(), "--inventory",
                inventory().toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("Plan: 2 to add, 0 to change, 0 to destroy."), r.out());
    }

    @Test
    void planSpecOffline_aMissingImport_isNamedWithTheLineThatImportsIt() throws Exception {
        copy(SEED, dir.resolve("fleet"));
        Files.delete(dir.resolve("fleet/vms/definitions.nix"));
        Run r = run("plan", "--spec", dir.resolve("fleet/hosts.nix").toString(), "--inventory", inventory().toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("getting status of 'vms/definitions.nix': No such file or directory"), r.err());
        assertTrue(r.err().contains("at hosts.nix:14:11"), r.err());
        assertFalse(r.err().contains("fleetplane-nix-"), r.err());
    }

    @Test
    void push_sendsTheEvaluationOfAMultiFileHostsFile_asJson() throws Exception {
        SpecUpload upload = SpecUpload.of(SEED.resolve("hosts.nix"), null, Duration.ofSeconds(30));
        assertFalse(upload.nix());
        JsonNode expected = new NixEvaluator("nix-instantiate", Duration.ofSeconds(30))
                .evaluateFile(SEED.resolve("hosts.nix"), SEED);
        assertEquals(expected, JSON.readTree(upload.body()));
        assertEquals("./hosts/web/configuration.nix", JSON.readTree(upload.body()).at("/web/configurationFile").asText());
        assertTrue(upload.note().contains("reads other files"), upload.note());
    }

    @Test
    void push_sendsASingleFileHostsFile_asSource_exactlyAsBefore() throws Exception {
        Path example = Path.of("../examples/hosts.nix");
        SpecUpload upload = SpecUpload.of(example, null, Duration.ofSeconds(30));
        assertTrue(upload.nix());
        assertEquals(Files.readString(example), upload.body());
        assertNull(upload.note());
    }

    @Test
    void push_ofAFileThatDoesNotEvaluate_failsHere_namingTheFileAndTheReason() throws Exception {
        copy(SEED, dir.resolve("fleet"));
        Files.writeString(dir.resolve("fleet/vms.nix"), "{ masterKeys, admin, sizes }: { web = import /etc/passwd; }");
        CliException e = org.junit.jupiter.api.Assertions.assertThrows(CliException.class,
                () -> SpecUpload.of(dir.resolve("fleet/hosts.nix"), null, Duration.ofSeconds(30)));
        assertTrue(e.getMessage().startsWith(dir.resolve("fleet/hosts.nix") + " does not evaluate"), e.getMessage());
        assertTrue(e.getMessage().contains("'/etc/passwd' is forbidden in restricted mode"), e.getMessage());
        assertTrue(e.getMessage().contains("at vms.nix:1:"), e.getMessage());
    }

    private static void copy(Path from, Path to) throws Exception {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }
}
