package dev.fleetplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fleetplane.cli.hostsfile.HostBlock;
import dev.fleetplane.cli.hostsfile.LinesToDelete;
import dev.fleetplane.cli.hostsfile.NixText;
import dev.fleetplane.cli.hostsfile.SopsLines;
import dev.fleetplane.events.pve.ObservedVm;
import dev.fleetplane.plancore.plan.OfflineState;
import dev.fleetplane.plancore.plan.PlanDraft;
import dev.fleetplane.plancore.plan.PlanRenderer;
import dev.fleetplane.plancore.plan.Removal;
import dev.fleetplane.plancore.spec.HostSpec;
import dev.fleetplane.plancore.spec.ProxmoxVm;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code fleetplane remove NAME}: what removing a host means, changing nothing: the plan that destroys it (the spec
 * without it, its destroy allowed) as {@code tofu plan} shows it, and the exact lines to delete from hosts.nix and
 * {@code .sops.yaml}.
 */
@Command(name = "remove", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = 1,
        description = {"Show the plan that destroys host NAME and the lines to delete from hosts.nix and .sops.yaml.",
                "Changes nothing. The plan is the spec without NAME, NAME's destroy allowed, computed by the running",
                "planner (a speculative plan: nothing stored or applied), or offline with --inventory FILE.",
                "Readonly and adopted hosts are never destroyed: the plan forgets them (the VM stays in Proxmox).",
                "Exit codes: 0 shown, 1 error (unknown host, unreadable file, no plan could be computed)."})
final class RemoveCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec command;

    @Parameters(paramLabel = "NAME", description = "the host to remove, as in hosts.nix")
    String name;

    @Option(names = "--spec", paramLabel = "FILE", defaultValue = "hosts.nix", description = "the hosts file (default: ${DEFAULT-VALUE})")
    Path specFile;

    @Option(names = "--sops", paramLabel = "FILE", description = "the sops configuration (default: .sops.yaml beside the spec)")
    Path sopsFile;

    @Option(names = "--inventory", paramLabel = "FILE",
            description = "offline: plan against this saved Proxmox inventory (as `plan --inventory`) instead of the planner")
    Path inventoryFile;

    @Option(names = "--fleet", defaultValue = "default", description = "fleet name (default: ${DEFAULT-VALUE})")
    String fleet;

    @Option(names = "--planner", description = "planner URL (default: FLEETPLANE_PLANNER_URL, else the running `up` stack)")
    String planner;

    @Option(names = "--nix-timeout", defaultValue = "PT30S", description = "how long Nix may evaluate (default ${DEFAULT-VALUE})")
    Duration nixTimeout;

    @Override
    public Integer call() {
        PrintWriter out = command.commandLine().getOut();
        HostsFile hosts = HostsFile.read(specFile, nixTimeout, System.err);
        HostSpec host = hosts.spec().hosts().stream().filter(h -> h.name().equals(name)).findFirst()
                .orElseThrow(() -> new CliException(name + " is not a host of " + specFile + " (its hosts: "
                        + String.join(", ", hosts.spec().hostNames()) + ")"));
        LinesToDelete nixLines;
        try {
            nixLines = HostBlock.find(NixText.of(hosts.source()), name);
        } catch (NixText.UnreadableException e) {
            throw new CliException(specFile + ": " + e.getMessage());
        }
        if (nixLines.isEmpty()) {
            throw new CliException(specFile + " evaluates to a host " + name + " but does not write it as a binding of "
                    + "its top-level attribute set (made by a function or an import?): remove it where it is made");
        }
        Path sops = sopsFile != null ? sopsFile : specFile.toAbsolutePath().getParent().resolve(".sops.yaml");
        String sopsText = readSops(sops);
        if (sopsText == null && sopsFile != null) {
            throw new CliException("--sops " + sopsFile + " does not exist");
        }

        explainKind(out, host);
        String plan = null;
        CliException planFailure = null;
        try {
            plan = host.managed() ? plan(hosts) : null;
        } catch (CliException e) {
            planFailure = e; // the lines are still worth showing; the command fails after them
        }
        if (plan != null) {
            out.println(plan.stripTrailing());
            out.println();
        }
        out.println("Delete from " + specFile + ":");
        printLines(out, nixLines);
        out.println();
        if (sopsText == null) {
            out.println(sops + " does not exist: nothing to delete there.");
        } else {
            LinesToDelete sopsLines = SopsLines.find(sopsText, name);
            if (sopsLines.isEmpty()) {
                out.println(sops + ": nothing names " + name + " (no &" + name + " key, no *" + name
                        + " reference, no rule for hosts/" + name + "/).");
            } else {
                out.println("Delete from " + sops + ":");
                printLines(out, sopsLines);
            }
        }
        out.println();
        howToApply(out, host, hosts, sopsText != null);
        out.flush();
        if (planFailure != null) {
            throw new CliException("no plan: " + planFailure.getMessage(), planFailure);
        }
        return 0;
    }

    /** Says up front when fleetplane will not destroy the VM whatever the file says. */
    private void explainKind(PrintWriter out, HostSpec host) {
        if (host.proxmox().isEmpty()) {
            out.println(name + " has no proxmox attribute set: fleetplane manages no VM for it, so removing it changes"
                    + " nothing in Proxmox.");
            out.println();
            return;
        }
        ProxmoxVm vm = host.proxmox().get();
        if (vm.readonly() || !vm.cloneFromTemplate()) {
            out.println(name + " (vmid " + vm.vmid() + ") is " + (vm.readonly() ? "readonly" : "imported "
                    + "(cloneFromTemplate = false)") + ": fleetplane never destroys it. Removing it from the spec makes "
                    + "the plan forget it: the VM keeps running in Proxmox, no longer managed. To delete the VM too, "
                    + "destroy it in Proxmox yourself after the push (qm destroy " + vm.vmid() + ").");
            out.println();
        }
    }

    /** The plan of removing the host: the planner's speculative plan, or offline against {@code --inventory}. */
    private String plan(HostsFile hosts) {
        if (inventoryFile != null) {
            List<ObservedVm> inventory = PlanCommand.readInventory(inventoryFile);
            PlanDraft draft = Removal.plan(hosts.spec(), name, inventory,
                    OfflineState.assumeManaged(hosts.spec(), inventory));
            return PlanRenderer.render("spec " + specFile + " without " + name + ", inventory " + inventoryFile, draft);
        }
        ObjectNode body = JSON.createObjectNode().put("fleet", fleet);
        ObjectNode spec = hosts.tree().deepCopy();
        spec.remove(name);
        body.set("spec", spec);
        body.putArray("allowDestroy").add(name);
        JsonNode answer;
        try {
            String url = StackFile.plannerUrl(planner);
            try {
                answer = new ServiceApi(url).postJson("/api/v1/plans/speculative", body, Map.of(),
                        Duration.ofSeconds(90));
            } catch (CliException e) {
                // The request always carries a spec, so a 404 can only mean an older planner without the endpoint.
                if (e.getMessage().contains("/api/v1/plans/speculative answered 404")) {
                    throw new CliException("the planner at " + url + " has no speculative plans (POST "
                            + "/api/v1/plans/speculative)", e);
                }
                throw e;
            }
        } catch (CliException e) {
            throw new CliException(e.getMessage() + "; or pass --inventory FILE to plan offline", e);
        }
        return answer.path("text").asText();
    }

    private void howToApply(PrintWriter out, HostSpec host, HostsFile hosts, boolean sops) {
        out.println("fleetplane changed nothing. To remove " + name + ":");
        int step = 1;
        out.println("  " + step++ + ". delete the lines above from " + specFile + (sops ? " and the sops file (then"
                + " `sops updatekeys` each secrets file " + name + " could read, so its key no longer opens them)" : ""));
        boolean destroyable = host.proxmox().map(vm -> !vm.readonly() && vm.cloneFromTemplate()).orElse(false);
        if (destroyable && !hosts.spec().fleetplane().allowDestroy()
                && !host.proxmox().get().allowDestroy().orElse(false)) {
            out.println("  " + step++ + ". to destroy the VM rather than forget it, add allowDestroy = true; to "
                    + "_fleetplane in the same push (it allows destroying every host that push removes; take it out"
                    + " again afterwards); without it the plan says forget and the VM stays in Proxmox");
        }
        out.println("  " + step++ + ". fleetplane push " + specFile + " --wait   (check the plan shows what is above),"
                + " then fleetplane apply PLAN_ID");
        out.println("  " + step + ". delete hosts/" + name + "/ (its NixOS configuration) once the plan is applied");
    }

    private static void printLines(PrintWriter out, LinesToDelete lines) {
        int width = Integer.toString(lines.lines().get(lines.lines().size() - 1).number()).length();
        String lastWhy = null;
        for (LinesToDelete.Line l : lines.lines()) {
            if (!l.why().equals(lastWhy)) {
                out.println("  # " + l.why());
                lastWhy = l.why();
            }
            out.println(String.format("  %" + width + "d  %s", l.number(), l.text()));
        }
        for (String w : lines.warnings()) {
            out.println("  note: " + w);
        }
    }

    private static String readSops(Path file) {
        try {
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new CliException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
