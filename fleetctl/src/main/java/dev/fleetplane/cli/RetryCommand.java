package dev.fleetplane.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fleetplane retry HOST}: a failed provisioning runs again from the step it failed at. */
@Command(name = "retry", mixinStandardHelpOptions = true,
        description = "Run a host whose provisioning failed again, from the step it failed at.")
final class RetryCommand implements Callable<Integer> {

    @Parameters(paramLabel = "HOST", description = "the host name, as in hosts.nix")
    String host;

    @Option(names = "--provisioner", description = "provisioner URL (default: the running `up` stack)")
    String provisioner;

    @Override
    public Integer call() {
        var api = new ServiceApi("provisioner", StackFile.provisionerUrl(provisioner));
        var saga = api.postJson("/sagas/" + PathSegment.encode(host) + "/retry?by=fleetctl",
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode(), java.util.Map.of(),
                java.time.Duration.ofSeconds(30));
        System.out.println("retrying " + host + ": now " + saga.path("state").asText()
                + " (follow it with `fleetplane events --follow --host " + host + "`)");
        return 0;
    }
}
