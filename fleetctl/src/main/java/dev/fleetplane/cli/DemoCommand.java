package dev.fleetplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fleetplane demo}: the whole story on one machine. Starts the stack on free ports, pushes
 * examples/hosts.nix with auto-approve, waits until every host settled, prints a summary, stops everything.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the example fleet end to end on a simulated Proxmox and exit 0 when every host is Ready.")
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--file", description = "the fleet to push (default: examples/hosts.nix)")
    Path file;

    @Option(names = "--timeout", defaultValue = "PT5M", description = "how long hosts may take (default ${DEFAULT-VALUE})")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        Path repo = UpCommand.repo();
        Path fleetFile = file != null ? file : repo.resolve("examples/hosts.nix");
        long t0 = System.nanoTime();
        FleetStack stack = FleetStack.start(UpCommand.demo(repo), System.out);
        java.util.concurrent.atomic.AtomicBoolean interrupted = new java.util.concurrent.atomic.AtomicBoolean();
        Thread stopOnSignal = new Thread(() -> {
            interrupted.set(true);
            stack.close();
        }, "fleetplane-demo-stop");
        Runtime.getRuntime().addShutdownHook(stopOnSignal);
        try {
            long stackMillis = elapsedMillis(t0);
            stack.addresses().forEach((name, address) -> System.out.println(name + ": " + address));
            System.out.printf("stack ready in %.1f s%n", stackMillis / 1000.0);

            ServiceApi api = new ServiceApi(stack.addresses().get("planner"));
            JsonNode accepted = PushCommand.submit(api, SpecUpload.of(fleetFile, null, Duration.ofSeconds(30)), "demo",
                    null, "operator", true, false);
            System.out.println("pushed " + fleetFile.getFileName() + ": spec version " + accepted.path("specVersion").asText());
            JsonNode plan = PushCommand.awaitPlan(api, accepted.path("specVersion").asLong(), timeout);
            System.out.println();
            System.out.println(plan.path("text").asText().stripTrailing());
            System.out.println();
            System.out.println("applying (auto-approved) ...");
            JsonNode hosts = PushCommand.awaitSettled(api, plan, timeout, System.out);

            System.out.println();
            System.out.print(HostTable.render(hosts));
            System.out.println();
            for (ServiceProcess s : stack.services()) {
                System.out.printf("%-20s ready in %5.1f s, RSS %d MiB%n", s.name, s.readyMillis() / 1000.0, s.rssMiB());
            }
            System.out.printf("demo took %.1f s%n", elapsedMillis(t0) / 1000.0);
            for (JsonNode h : hosts) {
                if ("Failed".equals(h.path("state").asText())) {
                    System.err.println("fleetplane demo: host " + h.path("host").asText() + " failed: " + h.path("reason").asText());
                    return 1;
                }
            }
            return 0;
        } catch (CliException e) {
            if (interrupted.get()) {
                throw new CliException("interrupted; everything it started is stopped");
            }
            for (ServiceProcess s : stack.services()) {
                System.err.println("--- last lines of " + s.name + " ---");
                System.err.println(s.tail(15));
            }
            throw e;
        } finally {
            stack.close();
            try {
                Runtime.getRuntime().removeShutdownHook(stopOnSignal);
            } catch (IllegalStateException alreadyStopping) {
                // the hook is running: it closes the stack itself
            }
        }
    }

    private static long elapsedMillis(long t0) {
        return Duration.ofNanos(System.nanoTime() - t0).toMillis();
    }
}
