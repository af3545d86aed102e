package dev.fleetplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code fleetplane apply PLAN_ID}: applies exactly that plan, and only if neither the spec nor Proxmox
 * changed since it was computed (the planner answers 409 "stale plan" with what changed otherwise).
 */
@Command(name = "apply", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = 1,
        description = {"Apply exactly the plan PLAN_ID (from `fleetplane plan` or `push --wait`).",
                "Refused when the fleet's spec or the Proxmox inventory changed since the plan was computed."})
final class ApplyCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameters(paramLabel = "PLAN_ID", description = "the plan to apply")
    String planId;

    @Option(names = "--target", paramLabel = "HOST", description = "apply only these hosts' changes (repeatable)")
    List<String> targets = new ArrayList<>();

    @Option(names = "--exclude", paramLabel = "HOST", description = "leave these hosts' changes out (repeatable)")
    List<String> excludes = new ArrayList<>();

    @Option(names = "--operator", description = "who approves (default: $USER)")
    String operator;

    @Option(names = "--planner", description = "planner URL (default: the running `up` stack)")
    String planner;

    @Override
    public Integer call() {
        ServiceApi api = new ServiceApi(StackFile.plannerUrl(planner));
        ObjectNode body = JSON.createObjectNode();
        targets.forEach(body.putArray("target")::add);
        excludes.forEach(body.putArray("exclude")::add);
        String who = operator != null ? operator : System.getenv().getOrDefault("USER", "operator");
        JsonNode plan = api.postJson("/api/v1/plans/" + planId + "/apply", body,
                Map.of("X-Fleetplane-Operator", who), Duration.ofSeconds(90));
        System.out.print(describe(plan));
        return 0;
    }

    /** What was applied, for people: the plan, who approved it, the hosts that now run and what each does. */
    static String describe(JsonNode plan) {
        StringBuilder out = new StringBuilder();
        out.append("Applied plan ").append(plan.path("id").asText()).append(" (fleet ").append(plan.path("fleet").asText())
                .append(", spec version ").append(plan.path("specVersion").asText()).append("), approved by ")
                .append(plan.path("approvedBy").asText()).append(".\n");
        JsonNode applied = plan.path("appliedHosts");
        if (applied.isEmpty()) {
            out.append("Nothing to do: no host of the plan changes.\n");
            return out.toString();
        }
        for (JsonNode c : plan.path("changes")) {
            String host = c.path("host").asText();
            for (JsonNode h : applied) {
                if (h.asText().equals(host)) {
                    out.append("  ").append(String.format("%-10s", c.path("action").asText())).append(' ').append(host)
                            .append(" (vmid ").append(c.path("vmid").asText()).append(")\n");
                }
            }
        }
        out.append("Follow it with: fleetplane status\n");
        return out.toString();
    }
}
