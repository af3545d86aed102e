package dev.fleetplane.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fleetplane up}: the whole stack on loopback, in the foreground, until Ctrl-C or SIGTERM. */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Start Kafka, PostgreSQL, the Proxmox simulator and the services; print their addresses; "
                + "stop everything on Ctrl-C or SIGTERM.")
final class UpCommand implements Callable<Integer> {

    @Option(names = "--kafka-port", defaultValue = "0", description = "Kafka port (default: a free one)")
    int kafkaPort;
    @Option(names = "--postgres-port", defaultValue = "0", description = "PostgreSQL port (default: a free one)")
    int postgresPort;
    @Option(names = "--pve-port", defaultValue = "8006", description = "Proxmox simulator port (default: ${DEFAULT-VALUE})")
    int pvePort;
    @Option(names = "--planner-port", defaultValue = "8081", description = "default: ${DEFAULT-VALUE}")
    int plannerPort;
    @Option(names = "--adapter-port", defaultValue = "8082", description = "default: ${DEFAULT-VALUE}")
    int adapterPort;
    @Option(names = "--provisioner-port", defaultValue = "8083", description = "default: ${DEFAULT-VALUE}")
    int provisionerPort;
    @Option(names = "--template-builder-port", defaultValue = "8084", description = "default: ${DEFAULT-VALUE}")
    int templateBuilderPort;
    @Option(names = "--console-gateway-port", defaultValue = "8085", description = "default: ${DEFAULT-VALUE}")
    int consoleGatewayPort;
    @Option(names = "--pve-seed", description = "VMs that exist in the simulator before the fleet (default: examples/pve-seed.json)")
    Path pveSeed;

    @Override
    public Integer call() throws Exception {
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("planner-service", plannerPort);
        ports.put("proxmox-adapter", adapterPort);
        ports.put("provisioner-service", provisionerPort);
        ports.put("template-builder", templateBuilderPort);
        ports.put("console-gateway", consoleGatewayPort);
        FleetStack.Options options = demoPace(repo(), kafkaPort, postgresPort, pvePort, ports, pveSeed);

        CountDownLatch stopped = new CountDownLatch(1);
        FleetStack stack = FleetStack.start(options, System.err);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("stopping ...");
            StackFile.removeIfOurs();
            stack.close();
            stopped.countDown();
        }, "fleetplane-stop"));
        stack.addresses().forEach((name, address) -> System.out.println(name + ": " + address));
        StackFile.write(stack.addresses());
        System.out.println("ready");
        System.out.flush();
        stopped.await();
        return 0;
    }

    static Path repo() {
        return Path.of(System.getProperty("fleetplane.home", ".")).toAbsolutePath().normalize();
    }

    /** Simulated Proxmox timings a person can follow: a clone takes seconds, as on a real node with a small disk. */
    static FleetStack.Options demoPace(Path repo, int kafkaPort, int postgresPort, int pvePort, Map<String, Integer> ports,
                                       Path pveSeed) {
        return new FleetStack.Options(repo, kafkaPort, postgresPort, pvePort, ports,
                pveSeed != null ? pveSeed : repo.resolve("examples/pve-seed.json"),
                Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(2), 2222);
    }
}
