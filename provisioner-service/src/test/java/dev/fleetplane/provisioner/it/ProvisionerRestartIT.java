package dev.fleetplane.provisioner.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.localstack.LocalStack;
import dev.fleetplane.localstack.LocalStackOptions;
import dev.fleetplane.localstack.quarkus.ServiceJar;
import dev.fleetplane.localstack.quarkus.TestTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The packaged provisioner killed with SIGKILL while a rebuild runs on the guest, then started again after DHCP moved
 * the guest to another address: it asks the guest agent for the current address first (IpChanged), resumes the saga
 * at its step (the rebuild, run again because the switch never happened), and the host is provisioned once, with each
 * event published once. A real process, real Kafka and PostgreSQL, a real guest.
 */
class ProvisionerRestartIT {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Duration READY = Duration.ofSeconds(60);
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void provisionerKilledInTheMiddleOfARebuild_resumesThere_andProvisionsTheHostOnce() throws Exception {
        SimulatedGuests guests = new SimulatedGuests();
        Map<String, String> settings = guests.start();
        Path logs = Files.createTempDirectory("fleetplane-provisioner-restart-");
        try (LocalStack stack = LocalStack.start(LocalStackOptions.defaults());
             AgentRelay relay = new AgentRelay(stack.kafkaBootstrapServers(), SimulatedGuests.pve);
             ProvisioningTopics topics = new ProvisioningTopics(stack.kafkaBootstrapServers());
             ServiceJar provisioner = ServiceJar.of(Path.of("target/quarkus-app/quarkus-run.jar"), stack.endpoints(),
                     settings)) {
            provisioner.start(logs.resolve("first.log"), READY);
            int vmid = 401;
            String host = "phoenix";
            SimulatedGuests.startVm(vmid, host);
            Path runs = SimulatedGuests.sim.guestDir(vmid).orElseThrow().resolve("root/rebuild-runs");
            FleetEvent command = topics.provision(host, vmid, true,
                    "echo run >> /root/rebuild-runs && sleep 5 && nixos-rebuild switch --flake /etc/nixos#{host}");

            await().atMost(WAIT).until(() -> Files.exists(runs));
            provisioner.kill(); // SIGKILL: no shutdown hook, no graceful stop, the SSH connection just dies
            // While the provisioner is down, DHCP moves the guest (its network restarts): the address the saga
            // stored no longer answers. The resumed saga must find the guest again through its agent.
            String before = SimulatedGuests.sim.guestAddress(vmid);
            String moved = moveToNextLease(vmid);
            provisioner.start(logs.resolve("second.log"), READY);

            topics.awaitFirst(host, command, EventCatalog.PROVISIONING_SUCCEEDED);
            // Every event of the host is keyed by it (one partition) and leaves through the outbox in commit order;
            // ProvisioningSucceeded is the saga's last. So whatever either process published twice before it (a row
            // the killed relay sent but never deleted, a step run again) has been seen by now.
            assertEquals(1, count(topics, host, command, EventCatalog.IP_RESOLVED));
            assertTrue(topics.all(host, command, EventCatalog.IP_CHANGED).stream()
                            .anyMatch(c -> c.from().equals(before) && c.to().equals(moved)),
                    "the resumed saga says the guest moved from " + before + " to " + moved);
            assertEquals(1, count(topics, host, command, EventCatalog.REBUILD_SUCCEEDED));
            assertEquals(1, count(topics, host, command, EventCatalog.HOST_KEY_DISCOVERED));
            assertEquals(0, count(topics, host, command, EventCatalog.PROVISIONING_FAILED));
            // Only a second copy of the last event itself would come after it, and nothing later on the partition
            // can prove it absent (the saga is over; a retry of a succeeded host publishes nothing): watch a while.
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                    .until(() -> count(topics, host, command, EventCatalog.PROVISIONING_SUCCEEDED) == 1);
            assertEquals(List.of("run", "run"), Files.readAllLines(runs),
                    "the killed run's switch never happened, so the resumed saga ran the rebuild again");
            String saga = http.send(HttpRequest.newBuilder(URI.create(provisioner.url() + "/sagas/" + host))
                    .header("Authorization", TestTokens.bearer(TestTokens.VIEWER)).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(saga.contains("\"state\":\"succeeded\"") && saga.contains("\"rebuildRuns\":2"), saga);
            assertTrue(Files.readString(logs.resolve("second.log")).contains("resuming step rebuilding"),
                    "the second process resumed the saga it found in PostgreSQL");
        } catch (AssertionError | RuntimeException e) {
            for (String name : new String[] {"first.log", "second.log"}) {
                Path log = logs.resolve(name);
                if (Files.exists(log)) {
                    List<String> lines = Files.readAllLines(log);
                    System.out.println("---- " + name + " (last 60 lines)");
                    lines.subList(Math.max(0, lines.size() - 60), lines.size()).forEach(System.out::println);
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

    /** What a restart of the guest's network does with the IP-change fault on: ens18 moves to its next lease. */
    private static String moveToNextLease(int vmid) throws Exception {
        Path guest = SimulatedGuests.sim.guestDir(vmid).orElseThrow();
        String next = Files.readString(guest.resolve("next-ipv4")).strip();
        String ns = SimulatedGuests.sim.guestNetns(vmid).orElseThrow();
        for (List<String> command : List.of(
                List.of("ip", "-n", ns, "-4", "addr", "flush", "dev", "ens18", "scope", "global"),
                List.of("ip", "-n", ns, "addr", "add", next, "dev", "ens18"))) {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertEquals(0, p.waitFor(), String.join(" ", command) + ": " + out);
        }
        String address = next.substring(0, next.indexOf('/'));
        assertEquals(address, SimulatedGuests.sim.guestAddress(vmid), "the simulator sees the guest at its new lease");
        return address;
    }

    private static long count(ProvisioningTopics topics, String host, FleetEvent command,
                              dev.fleetplane.events.EventKind<?> kind) {
        return topics.all(host, command, kind).size();
    }
}
