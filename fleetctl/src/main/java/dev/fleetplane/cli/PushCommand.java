package dev.fleetplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fleetplane push FILE}: hands a hosts.nix (or its JSON evaluation) to the planner. */
@Command(name = "push", mixinStandardHelpOptions = true,
        description = "Submit a hosts.nix (or evaluated JSON) as the fleet's desired state and show the plan.")
final class PushCommand implements Callable<Integer> {

    /** States in which nothing of a host runs or waits. */
    static final Set<String> SETTLED = Set.of("Ready", "Adopted", "Drifted", "Gone", "Failed");

    @Parameters(paramLabel = "FILE", description = "hosts.nix, or a .json file with the evaluated spec")
    Path file;

    @Option(names = "--fleet", defaultValue = "default", description = "fleet name (default: ${DEFAULT-VALUE})")
    String fleet;

    @Option(names = "--root", paramLabel = "DIR", description = "the directory hosts.nix may read files from (import,"
            + " readFile), e.g. the flake's top directory (default: the directory of FILE)")
    Path root;

    @Option(names = "--nix-timeout", defaultValue = "PT30S", description = "how long Nix may evaluate here (default ${DEFAULT-VALUE})")
    Duration nixTimeout;

    @Option(names = "--revision", description = "git revision of FILE, recorded with the spec version")
    String revision;

    @Option(names = "--auto-approve", description = "apply the plan without waiting for `fleetplane apply`"
            + " (default: what the file's _fleetplane.autoApprove says)")
    boolean autoApprove;

    @Option(names = "--allow-revert", description = "the file may undo host patches it does not contain (without it,"
            + " an auto-approved plan that reverts a patch waits for `fleetplane apply`)")
    boolean allowRevert;

    @Option(names = "--wait", description = "wait for the plan, and with --auto-approve until every host settled")
    boolean await;

    @Option(names = "--timeout", defaultValue = "PT10M", description = "how long --wait waits (ISO-8601, default ${DEFAULT-VALUE})")
    Duration timeout;

    @Option(names = "--planner", description = "planner URL (default: the running `up` stack)")
    String planner;

    @Override
    public Integer call() {
        ServiceApi api = new ServiceApi(StackFile.plannerUrl(planner));
        JsonNode accepted = submit(api, SpecUpload.of(file, root, nixTimeout), fleet, revision, "operator", autoApprove,
                allowRevert);
        System.out.println("spec version " + accepted.path("specVersion").asText() + " accepted");
        boolean withheld = warnAboutReverts(accepted, file, System.err);
        if (!await) {
            return 0;
        }
        JsonNode plan = awaitPlan(api, accepted.path("specVersion").asLong(), timeout);
        System.out.println(plan.path("text").asText().stripTrailing());
        if (plan.path("errors").size() > 0) {
            System.err.println("fleetplane: the plan has errors and cannot be applied; fix the spec and push it again");
            return 1;
        }
        if (withheld) {
            System.out.println();
            System.out.println("not applied: apply it with: fleetplane apply " + plan.path("id").asText()
                    + " (or push again with --allow-revert)");
            return 1;
        }
        // The spec version says whether it applies itself: the flag, else the file's _fleetplane.autoApprove.
        if (!accepted.path("autoApprove").asBoolean(autoApprove)) {
            System.out.println();
            System.out.println("apply it with: fleetplane apply " + plan.path("id").asText());
            return 0;
        }
        System.out.println();
        System.out.println("applying (auto-approved) ...");
        JsonNode hosts = awaitSettled(api, plan, timeout, System.out);
        System.out.print(HostTable.render(hosts));
        return allSucceeded(hosts) ? 0 : 1;
    }

    /**
     * Prints one warning line per host patch the accepted spec version undoes (the planner's notes: attribute, values,
     * who, when, which version) and how to keep them. True when auto-approve was withheld because of them.
     */
    static boolean warnAboutReverts(JsonNode accepted, Path file, PrintStream err) {
        JsonNode reverts = accepted.path("reverts");
        if (!reverts.isArray() || reverts.isEmpty()) {
            return false;
        }
        err.println("Warning: " + file + " does not contain " + (reverts.size() == 1 ? "a host patch" : reverts.size()
                + " host patches") + " made since it was last pushed; this spec version undoes "
                + (reverts.size() == 1 ? "it:" : "them:"));
        reverts.forEach(r -> err.println("  " + r.asText()));
        err.println("  To keep a patch, commit it (fleetplane spec export --spec-version N, N its version) and push again.");
        boolean withheld = accepted.path("autoApproveWithheld").asBoolean(false);
        if (withheld) {
            err.println("  Auto-approve is withheld for this version: `fleetplane apply` its plan to revert, or push"
                    + " with --allow-revert.");
        }
        return withheld;
    }

    /** Submits {@code upload}; its note (why JSON is sent) goes to stderr. */
    static JsonNode submit(ServiceApi api, SpecUpload upload, String fleet, String revision, String source,
                           boolean autoApprove, boolean allowRevert) {
        if (upload.note() != null) {
            System.err.println(upload.note());
        }
        Map<String, String> params = new LinkedHashMap<>();
        params.put("fleet", fleet);
        params.put("source", source);
        params.put("revision", revision);
        // Only an explicit --auto-approve overrides the file; without it the file's _fleetplane.autoApprove decides.
        params.put("autoApprove", autoApprove ? "true" : null);
        params.put("allowRevert", allowRevert ? "true" : null);
        return api.submitSpec(upload.body(), upload.nix(), params);
    }

    /** Polls the spec version until its plan exists; a rejected spec fails with every problem listed. */
    static JsonNode awaitPlan(ServiceApi api, long specVersion, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode spec = api.spec(specVersion);
            String planId = spec.path("planId").asText("");
            if (!planId.isEmpty()) {
                return api.plan(planId);
            }
            if ("rejected".equalsIgnoreCase(spec.path("status").asText())) {
                throw new CliException("spec version " + specVersion + " was rejected: "
                        + ServiceApi.describeError(spec, spec.toString()));
            }
            sleep(200);
        }
        throw new CliException("no plan for spec version " + specVersion + " after " + timeout.toSeconds() + " s");
    }

    /**
     * Polls the hosts of {@code plan} until each one it changes has settled under it (Ready, Adopted, Gone, Failed);
     * prints every state change with the host's two conditions.
     */
    static JsonNode awaitSettled(ServiceApi api, JsonNode plan, Duration timeout, PrintStream progress) {
        String planId = plan.path("id").asText();
        String fleet = plan.path("fleet").asText("");
        Map<String, Boolean> planned = new java.util.TreeMap<>();
        for (JsonNode c : plan.path("changes")) {
            planned.put(c.path("host").asText(), !"no-op".equals(c.path("action").asText()));
        }
        if (plan.path("appliedHosts").isArray() && !plan.path("appliedHosts").isEmpty()) {
            // --target / --exclude: the hosts left out keep whatever they were.
            Set<String> applied = new java.util.HashSet<>();
            plan.path("appliedHosts").forEach(h -> applied.add(h.asText()));
            planned.replaceAll((host, changed) -> changed && applied.contains(host));
        }
        Map<String, String> lastState = new LinkedHashMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode all = api.hosts();
            var mine = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
            boolean settled = true;
            for (JsonNode h : all) {
                String name = h.path("host").asText();
                if (!planned.containsKey(name) || (!fleet.isEmpty() && !fleet.equals(h.path("fleet").asText()))) {
                    continue;
                }
                mine.add(h);
                String state = h.path("state").asText();
                if (!state.equals(lastState.put(name, state))) {
                    progress.println(progressLine(h));
                }
                boolean changedByPlan = planned.get(name);
                settled &= SETTLED.contains(state) && (!changedByPlan || planId.equals(h.path("planId").asText()));
            }
            if (settled && mine.size() == planned.size()) {
                return mine;
            }
            if (System.nanoTime() > deadline) {
                throw new CliException("hosts not settled after " + timeout.toSeconds() + " s: " + lastState);
            }
            sleep(250);
        }
    }

    /** {@code   web          Cloning       Ready=False/Cloning  Reconciled=False/PlanApplying  (reason)}. */
    static String progressLine(JsonNode h) {
        String reason = h.hasNonNull("reason") && !h.get("reason").asText().isEmpty()
                ? "  (" + (h.hasNonNull("step") ? h.get("step").asText() + ": " : "") + h.get("reason").asText() + ")"
                : "";
        return String.format("  %-12s %-13s Ready=%-20s Reconciled=%s%s", h.path("host").asText(),
                h.path("state").asText(), HostTable.condition(h, "Ready"), HostTable.condition(h, "Reconciled"), reason);
    }

    static boolean allSucceeded(JsonNode hosts) {
        for (JsonNode h : hosts) {
            if ("Failed".equals(h.path("state").asText())) {
                return false;
            }
        }
        return true;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
    }
}
