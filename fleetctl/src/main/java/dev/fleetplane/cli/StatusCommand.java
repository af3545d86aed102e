package dev.fleetplane.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fleetplane status}: the fleet as a table. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show every host's lifecycle state and its Ready and Reconciled conditions.")
final class StatusCommand implements Callable<Integer> {

    @Option(names = "--planner", description = "planner URL (default: the running `up` stack)")
    String planner;

    @Option(names = "--json", description = "print the planner's JSON")
    boolean json;

    @Option(names = "--fleet", description = "only this fleet (default: every fleet)")
    String fleet;

    @Override
    public Integer call() {
        var all = new ServiceApi(StackFile.plannerUrl(planner)).hosts();
        var hosts = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
        for (var h : all) {
            if (fleet == null || fleet.equals(h.path("fleet").asText())) {
                hosts.add(h);
            }
        }
        System.out.print(json ? hosts.toPrettyString() + System.lineSeparator() : HostTable.render(hosts));
        return 0;
    }
}
