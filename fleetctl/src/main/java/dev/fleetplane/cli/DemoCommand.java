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

    @Option(names = "--with-template", description = "first build the example template (stand-in image, sftp route,"
            + " smoke-tested) and clone the fleet from it")
    boolean withTemplate;

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

            ServiceApi api = stack.operatorApi("planner", "planner");
            SpecUpload upload = SpecUpload.of(fleetFile, null, Duration.ofSeconds(30));
            if (withTemplate) {
                upload = upload.withTemplateVmid(buildTemplate(stack), Duration.ofSeconds(30));
            }
            JsonNode accepted = PushCommand.submit(api, upload, "demo", null, "operator", true, false);
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
            // Each service's /q/metrics as the fleet stands (the end-to-end test reads this line).
            System.out.println(MetricsSummary.of(stack.services()));
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

    /** Builds the example template through the template builder and returns its VMID once it is ready. */
    private static int buildTemplate(FleetStack stack) throws InterruptedException {
        ServiceApi builder = stack.operatorApi("template builder", "template-builder");
        var body = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
                .put("template", "nixos").put("route", "sftp").put("requestedBy", "demo");
        long t0 = System.nanoTime();
        String id = builder.postJson("/templates/builds", body, java.util.Map.of(), Duration.ofSeconds(30))
                .path("buildId").asText();
        System.out.println();
        System.out.println("building the example template (build " + id + ", the stand-in image; sftp route) ...");
        JsonNode b = TemplateCommand.awaitBuild(builder, id, System.out);
        if (!"ready".equals(b.path("state").asText())) {
            throw new CliException("the template was rejected at " + b.path("failedStep").asText() + ": "
                    + b.path("reason").asText());
        }
        int vmid = b.path("candidateVmid").asInt();
        System.out.printf("template VM %d ready in %.1f s: built, checked, copied, restored, a clone booted with the"
                + " agent, DHCP and the fleet key, converted%n", vmid, elapsedMillis(t0) / 1000.0);
        return vmid;
    }

    private static long elapsedMillis(long t0) {
        return Duration.ofNanos(System.nanoTime() - t0).toMillis();
    }
}
