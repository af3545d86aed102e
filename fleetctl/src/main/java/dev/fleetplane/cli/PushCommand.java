package dev.fleetplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
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

    static final Set<String> SETTLED = Set.of("Ready", "Adopted", "Failed");

    @Parameters(paramLabel = "FILE", description = "hosts.nix, or a .json file with the evaluated spec")
    Path file;

    @Option(names = "--fleet", defaultValue = "default", description = "fleet name (default: ${DEFAULT-VALUE})")
    String fleet;

    @Option(names = "--revision", description = "git revision of FILE, recorded with the spec version")
    String revision;

    @Option(names = "--auto-approve", description = "apply the plan without waiting for `fleetplane apply`")
    boolean autoApprove;

    @Option(names = "--wait", description = "wait for the plan, and with --auto-approve until every host settled")
    boolean await;

    @Option(names = "--timeout", defaultValue = "PT10M", description = "how long --wait waits (ISO-8601, default ${DEFAULT-VALUE})")
    Duration timeout;

    @Option(names = "--planner", description = "planner URL (default: the running `up` stack)")
    String planner;

    @Override
    public Integer call() {
        PlannerApi api = new PlannerApi(StackFile.plannerUrl(planner));
        JsonNode accepted = submit(api, file, fleet, revision, "operator", autoApprove);
        System.out.println("spec version " + accepted.path("specVersion").asText() + " accepted");
        if (!await) {
            return 0;
        }
        JsonNode plan = awaitPlan(api, accepted.path("specVersion").asLong(), timeout);
        System.out.println(plan.path("text").asText());
        if (!autoApprove) {
            return 0;
        }
        JsonNode hosts = awaitSettled(api, plan, timeout, System.out);
        System.out.print(HostTable.render(hosts));
        return allSucceeded(hosts) ? 0 : 1;
    }

    static JsonNode submit(PlannerApi api, Path file, String fleet, String revision, String source, boolean autoApprove) {
        String content;
        try {
            content = Files.readString(file);
        } catch (IOException e) {
            throw new CliException("cannot read " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> params = new LinkedHashMap<>();
        params.put("fleet", fleet);
        params.put("source", source);
        params.put("revision", revision);
        params.put("autoApprove", Boolean.toString(autoApprove));
        return api.submitSpec(content, !file.toString().endsWith(".json"), params);
    }

    /** Polls the spec version until its plan exists; a rejected spec fails with every problem listed. */
    static JsonNode awaitPlan(PlannerApi api, long specVersion, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode spec = api.spec(specVersion);
            String planId = spec.path("planId").asText("");
            if (!planId.isEmpty()) {
                return api.plan(planId);
            }
            if ("rejected".equalsIgnoreCase(spec.path("status").asText())) {
                throw new CliException("spec version " + specVersion + " was rejected: "
                        + PlannerApi.describeError(spec, spec.toString()));
            }
            sleep(200);
        }
        throw new CliException("no plan for spec version " + specVersion + " after " + timeout.toSeconds() + " s");
    }

    /** Polls the hosts of {@code plan} until each is Ready, Adopted or Failed; prints each state change. */
    static JsonNode awaitSettled(PlannerApi api, JsonNode plan, Duration timeout, PrintStream progress) {
        Set<String> planned = new java.util.TreeSet<>();
        for (JsonNode c : plan.path("changes")) {
            planned.add(c.path("host").asText());
        }
        Map<String, String> lastState = new LinkedHashMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode all = api.hosts();
            var mine = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
            boolean settled = true;
            for (JsonNode h : all) {
                String name = h.path("host").asText();
                if (!planned.contains(name)) {
                    continue;
                }
                mine.add(h);
                String state = h.path("state").asText();
                if (!state.equals(lastState.put(name, state))) {
                    progress.printf("  %-12s %s%s%n", name, state,
                            h.hasNonNull("reason") && !h.get("reason").asText().isEmpty() ? " (" + h.get("reason").asText() + ")" : "");
                }
                settled &= SETTLED.contains(state);
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
