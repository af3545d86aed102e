package dev.fleetplane.provisioner.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.EventKind;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.localstack.LocalStack;
import dev.fleetplane.localstack.LocalStackOptions;
import dev.fleetplane.localstack.quarkus.ServiceJar;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two replicas of the packaged provisioner against one Kafka and one PostgreSQL (docs/scaling.md): hosts spread over
 * both (counted from each replica's log), and when the one running a rebuild is SIGKILLed the other takes over its
 * partitions and, once the step's lease has run out, resumes the rebuild; every host is provisioned once. Real
 * processes, real Kafka and PostgreSQL, real guests.
 */
class ProvisionerReplicasIT {

    private static final Duration READY = Duration.ofSeconds(90);
    private static final String LEASE = "PT4S";

    @Test
    void twoReplicas_shareTheHosts_andTheSurvivorResumesTheRebuildOfTheOneKilled() throws Exception {
        SimulatedGuests guests = new SimulatedGuests();
        Map<String, String> settings = new HashMap<>(guests.start());
        settings.put("fleetplane.provisioner.steps.lease", LEASE);
        Path logs = Files.createTempDirectory("fleetplane-provisioner-replicas-");
        Map<String, Path> replicaLogs = new LinkedHashMap<>();
        try (LocalStack stack = LocalStack.start(LocalStackOptions.defaults());
             AgentRelay relay = new AgentRelay(stack.kafkaBootstrapServers(), SimulatedGuests.pve);
             ProvisioningTopics topics = new ProvisioningTopics(stack.kafkaBootstrapServers());
             ServiceJar a = ServiceJar.of(Path.of("target/quarkus-app/quarkus-run.jar"), stack.endpoints(), settings);
             ServiceJar b = ServiceJar.of(Path.of("target/quarkus-app/quarkus-run.jar"), stack.endpoints(), settings)) {
            replicaLogs.put("a", logs.resolve("a.log"));
            replicaLogs.put("b", logs.resolve("b.log"));
            a.start(replicaLogs.get("a"), READY);
            b.start(replicaLogs.get("b"), READY);

            // Work spreads: eight hosts, keyed by name over six partitions, each rebuilt by the replica that holds
            // its partition.
            List<String> hosts = new ArrayList<>();
            Map<String, FleetEvent> commands = new LinkedHashMap<>();
            for (int i = 0; i < 8; i++) {
                String host = "replica-" + i;
                hosts.add(host);
                SimulatedGuests.startVm(500 + i, host);
                commands.put(host, topics.provision(host, 500 + i, true, "nixos-rebuild switch --flake /etc/nixos#{host}"));
            }
            for (String host : hosts) {
                FleetEvent end = topics.awaitEnd(host, commands.get(host));
                assertTrue(end.is(EventCatalog.PROVISIONING_SUCCEEDED), host + ": " + end.data());
            }
            Map<String, Integer> split = rebuiltBy(replicaLogs, hosts);
            System.out.println("provisioner replicas: rebuilds per replica " + split);
            assertEquals(hosts.size(), split.values().stream().mapToInt(Integer::intValue).sum(),
                    "each host rebuilt by exactly one replica: " + split);
            assertTrue(split.get("a") > 0 && split.get("b") > 0, "both replicas did work: " + split);

            // The replica running a long rebuild dies; the other one finishes the host.
            int vmid = 520;
            String host = "phoenix-replica";
            SimulatedGuests.startVm(vmid, host);
            Path runs = SimulatedGuests.sim.guestDir(vmid).orElseThrow().resolve("root/rebuild-runs");
            FleetEvent command = topics.provision(host, vmid, true,
                    "echo run >> /root/rebuild-runs && sleep 5 && nixos-rebuild switch --flake /etc/nixos#{host}");
            await().atMost(ProvisioningTopics.WAIT).until(() -> Files.exists(runs)
                    && rebuiltBy(replicaLogs, List.of(host)).values().stream().mapToInt(Integer::intValue).sum() == 1);
            String victim = rebuiltBy(replicaLogs, List.of(host)).get("a") == 1 ? "a" : "b";
            String survivor = victim.equals("a") ? "b" : "a";
            long killedAt = System.nanoTime();
            (victim.equals("a") ? a : b).kill();

            FleetEvent end = topics.awaitEnd(host, command);
            long tookOver = Duration.ofNanos(System.nanoTime() - killedAt).toMillis();
            assertTrue(end.is(EventCatalog.PROVISIONING_SUCCEEDED), end.data().toString());
            System.out.printf("provisioner replicas: %s killed mid-rebuild, %s finished the host %d ms later%n", victim,
                    survivor, tookOver);
            assertEquals(1, count(topics, host, command, EventCatalog.IP_RESOLVED));
            assertEquals(1, count(topics, host, command, EventCatalog.REBUILD_SUCCEEDED));
            assertEquals(1, count(topics, host, command, EventCatalog.HOST_KEY_DISCOVERED));
            assertEquals(0, count(topics, host, command, EventCatalog.PROVISIONING_FAILED));
            assertEquals(List.of("run", "run"), Files.readAllLines(runs),
                    "the killed replica's switch never happened, so the survivor ran the rebuild again, once");
            assertTrue(Files.readString(replicaLogs.get(survivor)).contains("resuming step rebuilding: no live"
                    + " provisioner holds it"), "the survivor resumed the step whose lease ran out");
        } catch (AssertionError | RuntimeException e) {
            for (var log : replicaLogs.entrySet()) {
                if (Files.exists(log.getValue())) {
                    System.out.println("---- replica " + log.getKey() + ": " + ServiceJar.tail(log.getValue()));
                }
            }
            throw e;
        } finally {
            guests.stop();
            try (var files = Files.walk(logs)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /** How many of {@code hosts} each replica ran a rebuild for (its rebuild workers' log lines name the host). */
    private static Map<String, Integer> rebuiltBy(Map<String, Path> logs, List<String> hosts) throws IOException {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (var log : logs.entrySet()) {
            List<String> lines = Files.readAllLines(log.getValue());
            int n = 0;
            for (String host : hosts) {
                if (lines.stream().anyMatch(l -> l.contains("(rebuild-worker-")
                        && (l.contains("host=" + host + " ") || l.contains("host=" + host + "]")))) {
                    n++;
                }
            }
            out.put(log.getKey(), n);
        }
        return out;
    }

    private static long count(ProvisioningTopics topics, String host, FleetEvent command, EventKind<?> kind) {
        return topics.all(host, command, kind).size();
    }
}
