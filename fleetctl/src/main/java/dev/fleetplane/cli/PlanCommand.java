package dev.fleetplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleetplane.events.pve.ObservedVm;
import dev.fleetplane.plancore.inventory.InventoryFile;
import dev.fleetplane.plancore.plan.DiffEngine;
import dev.fleetplane.plancore.plan.OfflineState;
import dev.fleetplane.plancore.plan.PlanDraft;
import dev.fleetplane.plancore.plan.PlanJson;
import dev.fleetplane.plancore.plan.PlanRenderer;
import dev.fleetplane.plancore.spec.HostsSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fleetplane plan}: what applying the fleet's hosts.nix would change, as {@code tofu plan} shows it.
 * Online it asks the planner for a fresh plan (which {@code fleetplane apply} can then apply); offline
 * ({@code --spec} and {@code --inventory}) it plans a file against a saved Proxmox inventory with no server.
 */
@Command(name = "plan", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = 1,
        description = {"Show what applying hosts.nix would change.",
                "Online: asks the planner for a fresh plan of the fleet's latest spec against a fresh inventory.",
                "Offline (--spec FILE --inventory FILE): needs no server; the inventory is the output of",
                "  pvesh get /cluster/resources --type vm --output-format json  (or the API's {\"data\": [...]}).",
                "Exit codes: 0 success (with --detailed-exitcode: no changes), 1 error, 2 changes (--detailed-exitcode)."})
final class PlanCommand implements Callable<Integer> {

    static final int CHANGES = 2;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--fleet", defaultValue = "default", description = "fleet name (default: ${DEFAULT-VALUE})")
    String fleet;

    @Option(names = "--json", description = "print the plan as JSON shaped after Terraform's JSON plan")
    boolean json;

    @Option(names = "--detailed-exitcode", description = "exit 2 when the plan changes something, 0 when not")
    boolean detailedExitCode;

    @Option(names = "--spec", paramLabel = "FILE", description = "offline: hosts.nix or its evaluated .json")
    Path specFile;

    @Option(names = "--root", paramLabel = "DIR", description = "offline: the directory hosts.nix may read files from"
            + " (import, readFile), e.g. the flake's top directory (default: the directory of --spec)")
    Path root;

    @Option(names = "--inventory", paramLabel = "FILE", description = "offline: the saved Proxmox inventory (JSON)")
    Path inventoryFile;

    @Option(names = "--nix-timeout", defaultValue = "PT30S", description = "offline: how long Nix may evaluate (default ${DEFAULT-VALUE})")
    Duration nixTimeout;

    @Option(names = "--planner", description = "planner URL (default: the running `up` stack)")
    String planner;

    @Override
    public Integer call() {
        if (root != null && specFile == null) {
            throw new CliException("--root goes with --spec (the planner evaluates what was pushed)");
        }
        if ((specFile == null) != (inventoryFile == null)) {
            throw new CliException("--spec and --inventory go together (an offline plan needs both); "
                    + "without them, plan asks the running planner");
        }
        return specFile != null ? offline() : online();
    }

    private int online() {
        ServiceApi api = new ServiceApi(StackFile.plannerUrl(planner));
        JsonNode plan = api.postJson("/api/v1/plans", JSON.createObjectNode().put("fleet", fleet), Map.of(),
                Duration.ofSeconds(90));
        JsonNode face = plan.path("json");
        if (json) {
            System.out.println(pretty(face));
        } else {
            System.out.print(plan.path("text").asText());
            if (PlanJson.hasChanges(face) && plan.path("errors").isEmpty()) {
                System.out.println();
                System.out.println("Saved as plan " + plan.path("id").asText() + ". To apply exactly this plan: "
                        + "fleetplane apply " + plan.path("id").asText());
            }
        }
        return exitCode(face.path("errored").asBoolean(), PlanJson.hasChanges(face));
    }

    private int offline() {
        HostsSpec spec = readSpec(specFile);
        List<ObservedVm> inventory = readInventory(inventoryFile);
        PlanDraft draft = DiffEngine.diff(spec, inventory, OfflineState.assumeManaged(spec, inventory));
        if (json) {
            System.out.println(pretty(PlanJson.render(fleet, null, null, draft)));
        } else {
            System.out.print(PlanRenderer.render("spec " + specFile + ", inventory " + inventoryFile, draft));
        }
        return exitCode(draft.hasErrors(), draft.hasChanges());
    }

    private int exitCode(boolean errored, boolean changes) {
        if (errored) {
            return 1;
        }
        return detailedExitCode && changes ? CHANGES : 0;
    }

    HostsSpec readSpec(Path file) {
        return SpecFile.read(file, root, nixTimeout, System.err);
    }

    static List<ObservedVm> readInventory(Path file) {
        try {
            return InventoryFile.parse(read(file, "inventory"));
        } catch (InventoryFile.InvalidInventoryException e) {
            throw new CliException("inventory " + file + ": " + e.getMessage());
        }
    }

    private static String read(Path file, String what) {
        try {
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new CliException(what + " file " + file + " does not exist");
        } catch (IOException e) {
            throw new CliException("cannot read " + what + " file " + file + ": " + e.getMessage());
        }
    }

    private static String pretty(JsonNode node) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (IOException e) {
            throw new CliException("cannot print the plan as JSON: " + e.getMessage());
        }
    }
}
