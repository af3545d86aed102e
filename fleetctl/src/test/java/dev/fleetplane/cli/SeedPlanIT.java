package dev.fleetplane.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleetplane.plancore.spec.NixEvaluator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The offline plan of a hosts.nix written for the Terranix / bpg seed ({@code examples/seed/hosts.nix}, which
 * imports {@code ignore-lists.nix}) against an inventory of its imported VMs and the template
 * ({@code examples/seed/inventory.json}), with the real nix-instantiate (Debian: nix-bin), as CI would run it.
 */
class SeedPlanIT {

    static final Path SPEC = Path.of("../examples/seed/hosts.nix");
    static final Path INVENTORY = Path.of("../examples/seed/inventory.json");

    record Run(int exit, String out, String err) {
    }

    static Run plan(String... extra) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            String[] args = new String[4 + extra.length];
            args[0] = "plan";
            args[1] = "--spec=" + SPEC;
            args[2] = "--inventory=" + INVENTORY;
            args[3] = "--fleet=seed";
            System.arraycopy(extra, 0, args, 4, extra.length);
            int exit = FleetctlMain.commandLine().execute(args);
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
        }
    }

    @Test
    void seedShapedFleet_plansNoUpdateOfTheImportedVms_andExits2ForTheNewHost() {
        Run run = plan("--detailed-exitcode");
        assertEquals(2, run.exit(), run.out() + run.err());
        // Offline, a VM at a host's VMID counts as managed already (OfflineState): the imported ones are no-ops,
        // which the text leaves out; only the new host is a change.
        assertTrue(run.out().contains("Plan: 1 to add, 0 to change, 0 to destroy."), run.out());
        for (String imported : new String[] {"services", "media", "dev"}) {
            assertTrue(!run.out().contains(" " + imported + " {"), imported + " is planned:\n" + run.out());
        }

        Run json = plan("--json");
        assertEquals(0, json.exit(), json.out() + json.err());
        com.fasterxml.jackson.databind.JsonNode face = readJson(json.out());
        for (com.fasterxml.jackson.databind.JsonNode r : face.path("resource_changes")) {
            String expected = r.path("address").asText().equals("proxmox_vm.cache") ? "[\"create\"]" : "[\"no-op\"]";
            assertEquals(expected, r.path("change").path("actions").toString(), r.toString());
        }
        assertEquals(4, face.path("resource_changes").size(), face.toString());
        assertEquals(0, face.path("change_summary").path("change").asInt(), face.toString());
        assertTrue(run.out().contains("+ create cache {"), run.out());
        assertTrue(run.out().contains("+ diskInterface = \"virtio0\" (from template 9003)"), run.out());
        assertTrue(run.out().contains("+ cpuType       = \"x86-64-v2-AES\" (default)"), run.out());
        assertTrue(!run.err().contains("Warning"), "every bpg name of the ignore lists is known:\n" + run.err());
    }

    static com.fasterxml.jackson.databind.JsonNode readJson(String text) {
        try {
            return new ObjectMapper().readTree(text);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    @Test
    void theExample_evaluatesToPlanCoresSeedFixture() throws Exception {
        ObjectMapper json = new ObjectMapper();
        assertEquals(json.readTree(Files.readString(Path.of("../plan-core/src/test/resources/seed/hosts.json"))),
                new NixEvaluator("nix-instantiate", Duration.ofSeconds(30)).evaluateFile(SPEC, SPEC.getParent()),
                "plan-core's SeedCompatibilityTest plans the same fleet");
    }
}
