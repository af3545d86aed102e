package dev.fleetplane.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fleetplane status}: the fleet as a table. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show every host's lifecycle state.")
final class StatusCommand implements Callable<Integer> {

    @Option(names = "--planner", description = "planner URL (default: the running `up` stack)")
    String planner;

    @Option(names = "--json", description = "print the planner's JSON")
    boolean json;

    @Override
    public Integer call() {
        var hosts = new PlannerApi(StackFile.plannerUrl(planner)).hosts();
        System.out.print(json ? hosts.toPrettyString() + System.lineSeparator() : HostTable.render(hosts));
        return 0;
    }
}
