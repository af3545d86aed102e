package dev.fleetplane.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleetplane.events.CloudEventsKafkaCodec;
import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.Topics;
import dev.fleetplane.events.provisioning.ProvisionHost;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code ./fleetplane up} against a Proxmox it did not start: the simulator runs as a separate process, as a remote
 * node would, and {@code up} is given its URL, token and certificate pin. The example fleet is applied; {@code up}
 * is stopped (SIGTERM), started again, then SIGKILLed and started again: status, events and plans are the same each
 * time, the next plan is a no-op, a re-provisioning finds the host key pinned before, a service killed under
 * {@code up} is restarted, and the simulator's request log shows each VM cloned once.
 */
class UpAgainstProxmoxE2EIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN_ID = "fleetplane@pve!ops";
    private static final String SECRET = "e2e-" + Long.toHexString(System.nanoTime());
    private static final Duration START = Duration.ofMinutes(4);

    private final Path repo = Path.of(System.getProperty("fleetplane.home", "..")).toAbsolutePath().normalize();
    private Path tmp;
    private Process simulator;
    private final List<Running> ups = new ArrayList<>();

    /** A started {@code up}: its process and every line it printed. */
    private record Running(Process process, List<String> out) {
        String value(String prefix) {
            return out.stream().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length()).strip())
                    .findFirst().orElseThrow(() -> new AssertionError("up printed no '" + prefix + "' line: " + out));
        }
    }

    @BeforeEach
    void dirs() throws IOException {
        // As root, PostgreSQL runs as user postgres, who must be able to walk into the state directory.
        tmp = Files.createTempDirectory(Path.of("/tmp"), "fleetplane-e2e-up-");
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterEach
    void stopAll() throws Exception {
        for (Running up : ups) {
            up.process().destroy();
            up.process().waitFor(60, TimeUnit.SECONDS);
            up.process().destroyForcibly();
        }
        boolean exited = true;
        List<Path> left = List.of();
        if (simulator != null) {
            simulator.destroy();
            exited = simulator.waitFor(30, TimeUnit.SECONDS);
            simulator.destroyForcibly();
            try (Stream<Path> files = Files.list(tmp.resolve("simulator-tmp"))) {
                left = files.toList();
            }
        }
        try (Stream<Path> walk = Files.walk(tmp)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        assertTrue(exited, "the simulator did not stop within 30 s of a SIGTERM");
        assertEquals(List.of(), left, "the simulator left its work directory behind after a SIGTERM");
    }

    @Test
    void up_againstAnExternalProxmox_keepsStatusEventsPlansAndHostKeysAcrossRestarts() throws Exception {
        Path key = sshKey();
        Path requests = tmp.resolve("pve-requests.log");
        String[] pve = startSimulator(key, requests);
        List<String> upArgs = List.of("up", "--pve-url", pve[0], "--token", TOKEN_ID + "=" + SECRET,
                "--fingerprint", pve[1], "--ssh-identity", key.toString(), "--state-dir", tmp.resolve("state").toString(),
                "--planner-port", "0", "--adapter-port", "0", "--provisioner-port", "0", "--template-builder-port", "0",
                "--console-gateway-port", "0");

        long t0 = System.nanoTime();
        Running first = up(upArgs);
        System.out.printf("[up] fresh state directory: ready in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        assertFalse(first.out().stream().anyMatch(l -> l.startsWith("pve-simulator:")), "up started a simulator of its own");
        assertEquals(pve[0] + "/api2/json", first.value("pve:"));

        String pushed = cli("push", "examples/hosts.nix", "--wait", "--auto-approve");
        assertTrue(pushed.contains("Plan: 1 to import, 2 to add, 0 to change, 0 to destroy."), pushed);
        Map<String, String> states = states(cli("status"));
        assertEquals(Map.of("dev", "Adopted", "web", "Ready", "db", "Ready"), states);
        assertOneStory(tmp.resolve("state"), "web");
        String status = cli("status");
        String events = cli("events", "--limit", "1000");
        String plans = plans(first);
        String pin = pinnedKey(first, "web");

        // A service that dies under up is started again, and up says so.
        killChild(first, "template-builder");
        awaitLine(first, "template-builder is ready again (restart 1)", START);

        stop(first);
        long t1 = System.nanoTime();
        Running second = up(upArgs);
        System.out.printf("[up] existing state directory: ready in %.1f s%n", (System.nanoTime() - t1) / 1e9);
        assertEquals(status, cli("status"));
        assertEquals(events, cli("events", "--limit", "1000"));
        assertEquals(plans, plans(second));
        assertEquals(pin, pinnedKey(second, "web"));

        second.process().destroyForcibly(); // SIGKILL: no shutdown hook; the children notice and stop, the data stays
        assertTrue(second.process().waitFor(30, TimeUnit.SECONDS));
        // Started at once: up itself waits for the killed one's PostgreSQL and broker to let go of the data.
        Running third = up(upArgs);
        assertEquals(status, cli("status"));
        assertEquals(plans, plans(third));
        String next = cli("plan", "--detailed-exitcode");
        assertTrue(next.contains("No changes."), next);

        // Re-provisioning web (newVm = false) logs in against the key pinned before both restarts.
        reprovision(third, "web");
        assertEquals(pin, pinnedKey(third, "web"));

        long clones = Files.readAllLines(requests).stream().filter(l -> l.matches(".* POST /api2/json/nodes/pve/qemu/\\d+/clone .*")).count();
        assertEquals(2, clones, "web and db cloned once each; the request log:\n" + Files.readString(requests));
        // du, not the files' lengths: Kafka's index files are preallocated sparse files of 10 MiB each.
        Process du = new ProcessBuilder("du", "-sh", tmp.resolve("state").toString()).redirectErrorStream(true).start();
        System.out.println("[up] state directory after the example fleet (du): "
                + new String(du.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip());
    }

    @Test
    void up_withATokenLackingVmClone_orAWrongSecret_refusesNamingTheCause_andStartsNothing() throws Exception {
        Path key = sshKey();
        String[] pve = startSimulator(key, tmp.resolve("requests.log"), "--drop-privilege", "VM.Clone");
        Path state = tmp.resolve("state");
        ProcessBuilder pb = launcher("up", "--pve-url", pve[0], "--token", TOKEN_ID + "=" + SECRET, "--fingerprint", pve[1],
                "--ssh-identity", key.toString(), "--state-dir", state.toString(), "--spec", "examples/hosts.nix",
                "--planner-port", "0", "--adapter-port", "0", "--provisioner-port", "0", "--template-builder-port", "0",
                "--console-gateway-port", "0");
        Process p = pb.redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(3, TimeUnit.MINUTES));
        assertEquals(1, p.exitValue(), out);
        assertTrue(out.contains("VM.Clone") && out.contains("/vms/9003"), out);
        assertTrue(out.contains("nothing was started"), out);
        assertFalse(out.contains(SECRET), "the token's secret was printed:\n" + out);
        assertFalse(out.lines().anyMatch(l -> l.equals("ready")), out);
        assertFalse(Files.exists(state), "a refused up left the state directory as it was (absent)");

        Process wrong = launcher("up", "--pve-url", pve[0], "--token", TOKEN_ID + "=not-the-secret", "--fingerprint", pve[1],
                "--ssh-identity", key.toString(), "--state-dir", state.toString()).redirectErrorStream(true).start();
        String refused = new String(wrong.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(wrong.waitFor(3, TimeUnit.MINUTES));
        assertEquals(1, wrong.exitValue(), refused);
        assertTrue(refused.contains(TOKEN_ID) && refused.contains("nothing was started"), refused);
        assertFalse(refused.contains("not-the-secret"), refused);
        assertFalse(Files.exists(state));
    }

    private String[] startSimulator(Path key, Path requestLog, String... extra) throws Exception {
        // Its own temporary directory, so the test can see that a SIGTERM leaves nothing of the simulator behind.
        Path simulatorTmp = Files.createDirectories(tmp.resolve("simulator-tmp"));
        List<String> cmd = new ArrayList<>(List.of(java(), "-Djava.io.tmpdir=" + simulatorTmp,
                "-cp", Files.readString(repo.resolve("fleetctl/target/fleetctl.classpath")).strip(),
                "dev.fleetplane.pvesim.PveSimulatorMain", "--https", "--port", "0", "--node", "pve",
                "--token-id", TOKEN_ID, "--seed", repo.resolve("examples/pve-seed.json").toString(),
                "--guest-netns", "--guest-ssh-authorized-keys", key + ".pub", "--request-log", requestLog.toString(),
                "--task-millis", "300", "--task-millis-qmclone", "2000", "--task-millis-qmstart", "1000",
                "--boot-millis", "2000"));
        cmd.addAll(List.of(extra));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(tmp.resolve("simulator.err").toFile());
        pb.environment().put("PVESIM_TOKEN_SECRET", SECRET);
        simulator = pb.start();
        BufferedReader r = new BufferedReader(new InputStreamReader(simulator.getInputStream(), StandardCharsets.UTF_8));
        String url = null;
        String fingerprint = null;
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        for (String line; (url == null || fingerprint == null) && (line = r.readLine()) != null; ) {
            if (line.startsWith("pve-simulator: ")) {
                url = line.substring("pve-simulator: ".length()).replace("/api2/json", "");
            } else if (line.startsWith("pve-fingerprint: ")) {
                fingerprint = line.substring("pve-fingerprint: ".length());
            }
            if (System.nanoTime() > deadline) {
                break;
            }
        }
        if (url == null || fingerprint == null) {
            fail("the simulator did not start: " + Files.readString(tmp.resolve("simulator.err")));
        }
        Thread drain = new Thread(() -> {
            try {
                while (r.readLine() != null) {
                    // keep its stdout pipe flowing
                }
            } catch (IOException ignored) {
                // it stopped
            }
        });
        drain.setDaemon(true);
        drain.start();
        return new String[] {url, fingerprint};
    }

    private Running up(List<String> args) throws Exception {
        Process p = launcher(args.toArray(String[]::new)).redirectError(tmp.resolve("up-" + ups.size() + ".err").toFile())
                .start();
        List<String> out = new CopyOnWriteArrayList<>();
        Running running = new Running(p, out);
        ups.add(running);
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        Thread reader = new Thread(() -> {
            try {
                for (String line; (line = r.readLine()) != null; ) {
                    System.out.println("[up " + ups.indexOf(running) + "] " + line);
                    out.add(line);
                }
            } catch (IOException ignored) {
                // up exited
            }
        });
        reader.setDaemon(true);
        reader.start();
        long deadline = System.nanoTime() + START.toNanos();
        while (!out.contains("ready")) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                fail("up did not print ready (alive: " + p.isAlive() + "):\n" + String.join("\n", out) + "\n"
                        + Files.readString(tmp.resolve("up-" + ups.indexOf(running) + ".err")));
            }
            Thread.sleep(200);
        }
        return running;
    }

    private void stop(Running up) throws Exception {
        up.process().destroy(); // SIGTERM, as Ctrl-C
        assertTrue(up.process().waitFor(90, TimeUnit.SECONDS), "up did not stop on SIGTERM");
        String err = stderrOf(up);
        assertTrue(err.contains("restarts while up: {") && err.contains("template-builder=1"), err);
    }

    private ProcessBuilder launcher(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(repo.resolve("fleetplane").toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(repo.toFile());
        pb.environment().put("FLEETPLANE_SKIP_BUILD", "1");
        pb.environment().put("FLEETPLANE_HOME", tmp.resolve("home").toString());
        // A switch that moves the guest's address is noticed after 3 missed keepalives: 6 s here, not 30 s.
        pb.environment().put("FLEETPLANE_PROVISIONER_SSH_KEEPALIVE", "PT2S");
        pb.environment().remove("PVE_TOKEN");
        pb.environment().remove("PVE_URL");
        pb.environment().put("XDG_CONFIG_HOME", tmp.resolve("config").toString());
        return pb;
    }

    /**
     * One story per id: the plan id under which {@code host} was cloned, grepped over the planner's, the adapter's and
     * the provisioner's logs, finds lines in each of them, and every line of those logs told in {@code host}'s story
     * (the {@code [fleet=… host=… corr=…]} prefix every service prints) carries a correlation id.
     */
    private static void assertOneStory(Path state, String host) throws IOException {
        Map<String, List<String>> logs = new LinkedHashMap<>();
        for (String service : List.of("planner-service", "proxmox-adapter", "provisioner-service")) {
            try (Stream<Path> files = Files.walk(state)) {
                Path log = files.filter(f -> f.getFileName().toString().equals(service + ".log")).findFirst()
                        .orElseThrow(() -> new AssertionError("no " + service + ".log under " + state));
                logs.put(service, Files.readAllLines(log));
            }
        }
        Pattern cloning = Pattern.compile("host=" + Pattern.quote(host) + " corr=([^ \\]]+).*-> Cloning");
        String corr = logs.get("planner-service").stream().map(cloning::matcher).filter(Matcher::find)
                .map(m -> m.group(1)).findFirst()
                .orElseThrow(() -> new AssertionError("the planner logged no move of " + host + " into Cloning"));
        System.out.println("[up] grep " + corr + " over the services' logs:");
        for (Map.Entry<String, List<String>> log : logs.entrySet()) {
            List<String> story = log.getValue().stream().filter(l -> l.contains(corr)).toList();
            story.forEach(l -> System.out.println("  " + log.getKey() + ".log: " + l));
            assertFalse(story.isEmpty(), log.getKey() + " logged nothing under " + corr);
            for (String line : log.getValue()) {
                if (line.contains("host=" + host + " ") || line.contains("host=" + host + "]")) {
                    assertTrue(line.contains(" corr="), log.getKey() + " logged a line of " + host
                            + "'s story without its correlation id: " + line);
                }
            }
        }
    }

    private String cli(String... args) throws Exception {
        Process p = launcher(args).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "fleetplane " + String.join(" ", args) + " did not finish");
        assertEquals(0, p.exitValue(), "fleetplane " + String.join(" ", args) + ":\n" + out);
        return out;
    }

    private static Map<String, String> states(String status) {
        Map<String, String> m = new java.util.TreeMap<>();
        status.lines().map(String::strip).map(l -> l.split("\\s+"))
                .filter(c -> c.length >= 4 && c[0].matches("dev|web|db")).forEach(c -> m.put(c[0], c[3]));
        return m;
    }

    private String plans(Running up) throws Exception {
        // The operator token `up` made on its first start and kept: every restart must still accept it.
        String token = Files.readString(tmp.resolve("home").resolve("operator-token")).strip();
        var http = java.net.http.HttpClient.newHttpClient();
        var res = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(up.value("planner:") + "/api/v1/plans"))
                .header("Authorization", "Bearer " + token).GET().build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, res.statusCode(), res.body());
        List<String> ids = new ArrayList<>();
        JSON.readTree(res.body()).forEach(p -> ids.add(p.path("id").asText() + " " + p.path("toAdd").asInt()
                + " " + p.path("appliedAt").asText("")));
        assertFalse(ids.isEmpty());
        return String.join("\n", ids);
    }

    /** The host key the provisioner pinned for {@code host}, with when it first saw it (from its schema). */
    private String pinnedKey(Running up, String host) throws Exception {
        Properties p = new Properties();
        p.setProperty("user", "fleetplane");
        // The local PostgreSQL wants the password up generated and keeps in the state directory (mode 600).
        p.setProperty("password", Files.readString(tmp.resolve("state").resolve("stack").resolve("postgres")
                .resolve("fleetplane.password")).strip());
        try (Connection c = DriverManager.getConnection(up.value("postgres:"), p);
             var q = c.prepareStatement("select fingerprint, first_seen_at from provisioner.known_host where host = ?")) {
            q.setString(1, host);
            try (ResultSet rs = q.executeQuery()) {
                assertTrue(rs.next(), "no pinned key for " + host);
                return rs.getString(1) + " first seen " + rs.getTimestamp(2).toInstant();
            }
        }
    }

    /** Sends {@code host}'s ProvisionHost again, as an existing VM, and waits for its success in the event log. */
    private void reprovision(Running up, String host) throws Exception {
        long before = countEvents(host, "fleetplane.host.provisioning-succeeded");
        ProvisionHost again = new ProvisionHost(host, "pve", 111, "ops", "nixos-rebuild switch --flake /etc/nixos#" + host, false);
        FleetEvent event = FleetEvent.create(EventCatalog.PROVISION_HOST, "/fleetplane/e2e", host, again, "e2e-reprovision");
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                up.value("kafka:")), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(CloudEventsKafkaCodec.toRecord(Topics.PROVISIONING_COMMANDS, host, event)).get(30, TimeUnit.SECONDS);
        }
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (countEvents(host, "fleetplane.host.provisioning-succeeded") <= before) {
            assertEquals(0, countEvents(host, "fleetplane.host.provisioning-failed"),
                    "re-provisioning failed:\n" + cli("events", "--host", host, "--limit", "1000"));
            if (System.nanoTime() > deadline) {
                fail("re-provisioning did not succeed:\n" + cli("events", "--host", host, "--limit", "1000"));
            }
            Thread.sleep(500);
        }
    }

    private long countEvents(String host, String type) throws Exception {
        return cli("events", "--host", host, "--limit", "1000").lines().filter(l -> l.contains(type + ".v")).count();
    }

    private static void killChild(Running up, String service) throws Exception {
        ProcessHandle child = up.process().toHandle().descendants()
                .filter(h -> h.info().commandLine().orElse("").contains(service + "/target/quarkus-app"))
                .findFirst().orElseThrow(() -> new AssertionError("no " + service + " under up"));
        child.destroyForcibly();
    }

    private void awaitLine(Running up, String text, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!stderrOf(up).contains(text)) {
            if (System.nanoTime() > deadline) {
                fail("up never printed '" + text + "':\n" + stderrOf(up));
            }
            Thread.sleep(200);
        }
    }

    /** What up printed on stderr (progress, restarts), which goes to its own file. */
    private String stderrOf(Running up) throws IOException {
        return Files.readString(tmp.resolve("up-" + ups.indexOf(up) + ".err"));
    }

    private Path sshKey() throws Exception {
        Path key = tmp.resolve("fleet_ed25519");
        Process p = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "fleetplane-e2e", "-f",
                key.toString()).redirectErrorStream(true).start();
        assertEquals(0, p.waitFor(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        return key;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
