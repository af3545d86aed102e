package dev.fleetplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetplane.plancore.spec.HostsNixRenderer;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fleetplane spec ...}: the desired state the planner holds. */
@Command(name = "spec", mixinStandardHelpOptions = true, description = "The desired state the planner holds.",
        subcommands = {SpecCommand.Export.class})
final class SpecCommand {

    /**
     * {@code fleetplane spec export}: the fleet's newest spec version (host patches included) as hosts.nix text, so a
     * patch made with {@code PATCH /api/v1/hosts/HOST} or a {@code PatchHost} event can be committed.
     */
    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Print the desired state (the newest spec version, host patches included) as hosts.nix.")
    static final class Export implements Callable<Integer> {

        @Spec
        CommandSpec command;

        @Option(names = "--fleet", defaultValue = "default", description = "fleet name (default: ${DEFAULT-VALUE})")
        String fleet;

        @Option(names = "--host", paramLabel = "NAME", description = "print only this host's block")
        String host;

        @Option(names = "--spec-version", paramLabel = "N", description = "this spec version instead of the newest")
        Long version;

        @Option(names = "--planner", description = "planner URL (default: the running `up` stack)")
        String planner;

        @Override
        public Integer call() {
            ServiceApi api = new ServiceApi(StackFile.plannerUrl(planner));
            long v;
            JsonNode content;
            if (version == null) {
                ServiceApi.LatestSpec latest = api.latestSpec(fleet);
                v = latest.version();
                content = latest.content();
            } else {
                JsonNode status = api.spec(version);
                if (!fleet.equals(status.path("fleet").asText()) && command.commandLine().getParseResult()
                        .hasMatchedOption("--fleet")) {
                    throw new CliException("spec version " + version + " belongs to fleet "
                            + status.path("fleet").asText() + ", not " + fleet);
                }
                fleet = status.path("fleet").asText(fleet);
                v = version;
                content = api.get("/api/v1/specs/" + version + "/content");
            }
            PrintWriter out = command.commandLine().getOut();
            for (String at : HostsNixRenderer.functions(host == null ? content : content.path(host))) {
                command.commandLine().getErr().println("warning: " + (host == null ? "" : host + ".") + at
                        + " was a function in hosts.nix; it is exported as the string \"<function>\": copy it from"
                        + " your hosts.nix");
            }
            if (host != null) {
                if (!content.has(host)) {
                    List<String> hosts = new ArrayList<>();
                    content.fieldNames().forEachRemaining(n -> {
                        if (!n.startsWith("_")) {
                            hosts.add(n);
                        }
                    });
                    throw new CliException("spec version " + v + " of fleet " + fleet + " has no host '" + host
                            + "' (its hosts: " + String.join(", ", hosts) + ")");
                }
                out.println("# host " + host + " as spec version " + v + " of fleet " + fleet
                        + " has it: replace its block in hosts.nix with this");
                out.print(HostsNixRenderer.renderHost(content, host));
            } else {
                out.print(HostsNixRenderer.render(content, List.of(
                        "hosts.nix as spec version " + v + " of fleet " + fleet + " has it (fleetplane spec export):",
                        "the desired state the planner holds, host patches included. Commit it, then push it.",
                        "Written from the evaluated spec: the original's comments, let bindings and helpers are not"
                                + " kept.")));
            }
            out.flush();
            return 0;
        }
    }
}
