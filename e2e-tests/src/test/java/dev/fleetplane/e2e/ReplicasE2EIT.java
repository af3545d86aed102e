package dev.fleetplane.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.GroupState;
import org.junit.jupiter.api.Test;

/**
 * {@code ./fleetplane up --replicas 2}: two processes each of the planner, the adapter and the provisioner against one
 * Kafka and one PostgreSQL. A fleet of eight new hosts is pushed (auto-approved); while it is being cloned one adapter
 * replica is SIGKILLed. Every host ends Ready with one VM and one clone, one ProvisioningSucceeded each; each replica
 * handled events (its own /q/metrics, counted); the killed replica's partitions went to a live member.
 */
class ReplicasE2EIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int HOSTS = 8;
    private static final Duration CONVERGE = Duration.ofMinutes(6);
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void twoReplicasOfEachWorkingService_shareTheFleet_andSurviveTheLossOfOne() throws Exception {
        try (UpStack stack = new UpStack("replicas").start(Duration.ofMinutes(4), "--replicas", "2")) {
            for (String name : List.of("planner", "proxmox-adapter", "provisioner")) {
                stack.address(name);
                stack.address(name + "-2");
            }
            assertTrue(stack.output().stream().noneMatch(l -> l.startsWith("template-builder-2:")
                    || l.startsWith("console-gateway-2:")), "the builder and the gateway run once: " + stack.output());
            String token = Files.readString(stack.dir().resolve("home").resolve("operator-token")).strip();
            String planner = stack.address("planner");

            Path spec = stack.dir().resolve("replicas.json");
            Files.writeString(spec, JSON.writeValueAsString(fleet()));
            stack.cli("push", spec.toString());

            // One adapter replica dies while the fleet is being cloned; up's supervision starts it again.
            String victim = "proxmox-adapter-2";
            try (Admin admin = Admin.create(adminConfig(stack.address("kafka")))) {
                await("some host is cloning", CONVERGE, () -> states(planner, token).containsValue("Cloning"));
                Set<String> before = members(admin, "proxmox-adapter");
                assertEquals(2, before.size(), "both adapter replicas are in the group before the kill: " + before);
                long pid = pidListeningOn(URI.create(stack.address(victim)).getPort());
                long killedAt = System.nanoTime();
                ProcessHandle.of(pid).orElseThrow().destroyForcibly();
                await("the killed adapter's partitions handed on", Duration.ofMinutes(1), () -> {
                    Set<String> now = members(admin, "proxmox-adapter");
                    return !now.isEmpty() && !now.containsAll(before) && stable(admin, "proxmox-adapter");
                });
                System.out.printf("replicas: %s SIGKILLed; its partitions were with a live member %d ms later%n",
                        victim, Duration.ofNanos(System.nanoTime() - killedAt).toMillis());
            }

            await("every host Ready", CONVERGE, () -> states(planner, token).values().stream()
                    .filter("Ready"::equals).count() == HOSTS);

            // Nothing done twice: one VM per host in Proxmox, one clone and one provisioning per host in the log.
            for (int i = 0; i < HOSTS; i++) {
                String host = "rep" + i;
                assertEquals(1, events(planner, token, host, "fleetplane.vm.cloned"), host + " cloned once");
                assertEquals(1, events(planner, token, host, "fleetplane.host.provisioning-succeeded"),
                        host + " provisioned once");
            }
            JsonNode vms = get(stack.address("proxmox-adapter") + "/api/v1/vms", token);
            Map<String, Integer> named = new TreeMap<>();
            vms.forEach(v -> named.merge(v.path("name").asText(), 1, Integer::sum));
            for (int i = 0; i < HOSTS; i++) {
                assertEquals(1, named.getOrDefault("rep" + i, 0), "one VM named rep" + i + " in Proxmox: " + vms);
            }

            // Work spread: each replica's own count of the events it handled.
            Map<String, Long> handled = new TreeMap<>();
            for (String name : List.of("planner", "planner-2", "proxmox-adapter", "proxmox-adapter-2", "provisioner",
                    "provisioner-2")) {
                handled.put(name, handledEvents(stack.address(name), token));
            }
            System.out.println("replicas: events handled per process " + handled
                    + " (proxmox-adapter-2 counts from its restart)");
            for (String name : List.of("planner", "planner-2", "proxmox-adapter", "provisioner", "provisioner-2")) {
                assertTrue(handled.get(name) > 0, name + " handled no event: " + handled);
            }
        }
    }

    /** Eight new hosts cloned from the example template, auto-approved. */
    private static ObjectNode fleet() {
        ObjectNode root = JSON.createObjectNode();
        root.putObject("_proxmox").put("host", "192.168.1.12").put("node", "pve").put("defaultStorage", "local-lvm")
                .put("templateVmid", 9003);
        root.putObject("_fleetplane").put("autoApprove", true).put("flake", "/etc/nixos");
        for (int i = 0; i < HOSTS; i++) {
            ObjectNode h = root.putObject("rep" + i);
            h.put("hostname", "rep" + i).put("configurationFile", "./hosts/rep" + i + "/configuration.nix")
                    .put("user", "ops");
            h.putObject("proxmox").put("vmid", 300 + i).put("cores", 1).put("memory", 1024).put("disk", "8G");
        }
        return root;
    }

    private JsonNode get(String url, String token) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization",
                "Bearer " + token).timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), url + ": " + r.body());
        return JSON.readTree(r.body());
    }

    private Map<String, String> states(String planner, String token) throws Exception {
        Map<String, String> out = new TreeMap<>();
        for (JsonNode h : get(planner + "/api/v1/hosts", token)) {
            if (h.path("host").asText().startsWith("rep")) {
                out.put(h.path("host").asText(), h.path("state").asText());
            }
        }
        return out;
    }

    private int events(String planner, String token, String host, String type) throws Exception {
        return get(planner + "/api/v1/events?host=" + host + "&type=" + type + "&limit=100", token).size();
    }

    /** The sum of {@code fleetplane_events_handled_total} in a process's metrics. */
    private long handledEvents(String service, String token) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(service + "/q/metrics"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), service + "/q/metrics: " + r.body());
        double sum = 0;
        for (String line : r.body().split("\n")) {
            if (line.startsWith("fleetplane_events_handled_total")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return Math.round(sum);
    }

    private static Properties adminConfig(String bootstrap) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return p;
    }

    private static Set<String> members(Admin admin, String group) throws Exception {
        ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all().get(20, TimeUnit.SECONDS).get(group);
        return d.members().stream().map(MemberDescription::consumerId).collect(Collectors.toSet());
    }

    private static boolean stable(Admin admin, String group) throws Exception {
        ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all().get(20, TimeUnit.SECONDS).get(group);
        return d.groupState() == GroupState.STABLE
                && d.members().stream().mapToInt(m -> m.assignment().topicPartitions().size()).sum() > 0;
    }

    /** The pid of the process listening on loopback {@code port} ({@code ss -ltnp}, iproute2). */
    private static long pidListeningOn(int port) throws Exception {
        Process ss = new ProcessBuilder("ss", "-Hltnp", "sport = :" + port).redirectErrorStream(true).start();
        String out = new String(ss.getInputStream().readAllBytes());
        ss.waitFor(10, TimeUnit.SECONDS);
        Matcher m = Pattern.compile("pid=(\\d+)").matcher(out);
        if (!m.find()) {
            fail("nothing listens on port " + port + ": " + out);
        }
        return Long.parseLong(m.group(1));
    }

    private static void await(String what, Duration limit, CheckedCondition condition) throws Exception {
        long end = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < end) {
            if (condition.holds()) {
                return;
            }
            Thread.sleep(250);
        }
        fail("not within " + limit + ": " + what);
    }

    @FunctionalInterface
    private interface CheckedCondition {
        boolean holds() throws Exception;
    }
}
