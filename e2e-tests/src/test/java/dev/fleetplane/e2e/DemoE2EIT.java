package dev.fleetplane.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code ./fleetplane demo --with-template} as a user would and watches {@code pve.events} from outside with a
 * plain Kafka consumer: the template builder makes a template (restored from a real VMA copied over SFTP, a clone
 * smoke-tested and destroyed, converted), the example fleet is cloned from it and ends Ready, the records are
 * binary-mode CloudEvents with JSON bodies, and nothing the demo started outlives it.
 */
class DemoE2EIT {

    private static final Pattern KAFKA_LINE = Pattern.compile("^kafka: (\\S+)$");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void demo_bringsEveryExampleHostToReady_asCloudEventsOnKafka_andLeavesNothingBehind() throws Exception {
        Path repo = Path.of(System.getProperty("fleetplane.home", "..")).toAbsolutePath().normalize();
        Set<Path> tempBefore = fleetplaneTempDirs();
        Set<String> pidsBefore = processes().keySet();
        Path home = Files.createTempDirectory("fleetplane-e2e-home");

        ProcessBuilder pb = new ProcessBuilder(repo.resolve("fleetplane").toString(), "demo", "--with-template").redirectErrorStream(true);
        pb.environment().put("FLEETPLANE_SKIP_BUILD", "1");
        pb.environment().put("FLEETPLANE_HOME", home.toString());
        Process demo = pb.start();

        List<String> output = new CopyOnWriteArrayList<>();
        List<ConsumerRecord<String, byte[]>> pveEvents = new CopyOnWriteArrayList<>();
        Set<Path> demoDirs = new HashSet<>();
        Thread watcher = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                System.out.println("[demo] " + line);
                output.add(line);
                Matcher m = KAFKA_LINE.matcher(line.strip());
                if (m.matches() && watcher == null) {
                    String bootstrap = m.group(1);
                    watcher = new Thread(() -> watch(bootstrap, demo, pveEvents), "pve-events-watcher");
                    watcher.start();
                }
                demoDirs.addAll(tempDirsNamedIn(line, tempBefore));
            }
        }
        assertTrue(demo.waitFor(6, TimeUnit.MINUTES), "demo did not finish");
        if (watcher != null) {
            watcher.join(10_000);
        }
        String all = String.join("\n", output);
        assertEquals(0, demo.exitValue(), "demo failed:\n" + all);

        Map<String, String> states = summaryStates(output);
        assertEquals("Adopted", states.get("dev"), all);
        assertEquals("Ready", states.get("web"), all);
        assertEquals("Ready", states.get("db"), all);
        assertTrue(all.contains("2 to add, 0 to change, 0 to destroy."), all);

        // Each service's /q/metrics at the end of the demo, summed by the demo: every meter the fleet exercised has
        // counted. Not exercised by a clean demo: dead letters (none happen) and console sessions (nobody opens one);
        // the lag and outbox gauges are read as series (their values are 0 once the fleet is settled).
        Matcher metrics = Pattern.compile("(?m)^metrics: (.*)$").matcher(all);
        assertTrue(metrics.find(), "the demo printed no metrics line:\n" + all);
        Map<String, Long> figures = new HashMap<>();
        for (String figure : metrics.group(1).split(", ")) {
            int space = figure.lastIndexOf(' ');
            figures.put(figure.substring(0, space), Long.parseLong(figure.substring(space + 1)));
        }
        for (String counted : List.of("events handled", "Proxmox calls", "Proxmox tasks", "provisioning steps",
                "lag series", "outbox series")) {
            assertTrue(figures.getOrDefault(counted, 0L) > 0, counted + " is 0: " + metrics.group());
        }

        assertFalse(pveEvents.isEmpty(), "an external consumer saw nothing on pve.events");
        Set<String> types = new HashSet<>();
        for (ConsumerRecord<String, byte[]> r : pveEvents) {
            assertNotNull(header(r, "ce_type"), "record without ce_type at offset " + r.offset());
            assertNotNull(header(r, "ce_id"), "record without ce_id at offset " + r.offset());
            assertNotNull(header(r, "ce_subject"), "record without ce_subject at offset " + r.offset());
            JsonNode body = JSON.readTree(r.value());
            assertTrue(body.isObject() && body.has("schemaVersion"), "body is not fleetplane JSON: " + body);
            types.add(header(r, "ce_type"));
        }
        assertTrue(types.containsAll(Set.of("fleetplane.vm.cloned.v1", "fleetplane.vm.configured.v1",
                "fleetplane.vm.started.v1", "fleetplane.guest.network-reported.v1", "fleetplane.vm.restored.v1",
                "fleetplane.vm.templated.v1")), "types seen: " + types);

        // The template the demo built is what the fleet was cloned from.
        Matcher built = Pattern.compile("template VM (\\d+) ready in").matcher(all);
        assertTrue(built.find(), "no template built:\n" + all);
        int template = Integer.parseInt(built.group(1));
        Map<String, Integer> clonedFrom = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : pveEvents) {
            if ("fleetplane.vm.cloned.v1".equals(header(r, "ce_type"))) {
                clonedFrom.put(header(r, "ce_subject"), JSON.readTree(r.value()).path("templateVmid").asInt());
            }
        }
        assertEquals(template, clonedFrom.get("web"), "web's clone: " + clonedFrom);
        assertEquals(template, clonedFrom.get("db"), "db's clone: " + clonedFrom);
        assertEquals(template, clonedFrom.get("template:nixos"), "the smoke test's probe: " + clonedFrom);

        assertFalse(demoDirs.isEmpty(), "the demo's output named no work directory under java.io.tmpdir");
        for (Path dir : demoDirs) {
            assertFalse(Files.exists(dir), dir + " was left behind");
        }
        awaitNoNewProcess(pidsBefore, List.of("quarkus-run.jar", "kafka", "postgres", "sshd"), home, demoDirs,
                Duration.ofSeconds(20));
        try (Stream<Path> files = Files.list(home)) {
            assertEquals(0, files.count(), "the demo wrote into FLEETPLANE_HOME");
        }
        Files.delete(home);
    }

    private static void watch(String bootstrap, Process demo, List<ConsumerRecord<String, byte[]>> sink) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "e2e-external-reader");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, byte[]> consumer =
                     new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of("pve.events"));
            while (demo.isAlive()) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    sink.add(r);
                }
            }
        } catch (RuntimeException stackGone) {
            // the demo stopped its broker: that is the end of the watch
        }
    }

    /** The last state printed for each host in the summary table (HOST VMID IP STATE ...). */
    private static Map<String, String> summaryStates(List<String> output) {
        int header = -1;
        for (int i = 0; i < output.size(); i++) {
            if (output.get(i).startsWith("HOST ")) {
                header = i;
            }
        }
        assertTrue(header >= 0, "no summary table in the output");
        return output.subList(header + 1, output.size()).stream()
                .map(String::strip).filter(l -> !l.isEmpty())
                .map(l -> l.split("\\s+"))
                .filter(cols -> cols.length >= 4)
                .collect(Collectors.toMap(c -> c[0], c -> c[3], (a, b) -> b));
    }

    /**
     * The demo's own work directories: those its output names (the local stack logs where its broker writes), new
     * since the test began. Other fleetplane runs on the machine (a build's ITs) make directories of the same shape.
     */
    private static Set<Path> tempDirsNamedIn(String line, Set<Path> before) {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
        Set<Path> named = new HashSet<>();
        Matcher m = Pattern.compile(Pattern.quote(tmp.toString()) + "/(fleetplane-[^/\\s]+)").matcher(line);
        while (m.find()) {
            Path dir = tmp.resolve(m.group(1));
            if (!before.contains(dir) && !m.group(1).startsWith("fleetplane-e2e")) {
                named.add(dir);
            }
        }
        return named;
    }

    private static Set<Path> fleetplaneTempDirs() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("fleetplane-")
                    && !p.getFileName().toString().startsWith("fleetplane-e2e")).collect(Collectors.toSet());
        }
    }

    /**
     * Waits until no process started since {@code before} that is the demo's has one of {@code words} in its command
     * line. The demo's: its command line names one of the demo's work directories, or its environment holds the
     * demo's {@code FLEETPLANE_HOME} (what the services and the local stack inherit). Other sessions on the same
     * machine start such processes too, and they are not the demo's to clean up.
     */
    private static void awaitNoNewProcess(Set<String> before, List<String> words, Path home, Set<Path> demoDirs,
                                          Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String homeVariable = "FLEETPLANE_HOME=" + home;
        List<String> left;
        do {
            left = processes().entrySet().stream()
                    .filter(e -> !before.contains(e.getKey()))
                    .filter(e -> words.stream().anyMatch(e.getValue()::contains))
                    .filter(e -> demoDirs.stream().anyMatch(d -> e.getValue().contains(d.toString()))
                            || environment(e.getKey()).contains(homeVariable))
                    .map(e -> e.getKey() + ": " + e.getValue())
                    .toList();
            if (left.isEmpty()) {
                return;
            }
            Thread.sleep(500);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("processes outlived the demo: " + left);
    }

    /** A process's environment as {@code KEY=value} entries ("" when it is gone or unreadable). */
    private static List<String> environment(String pid) {
        try {
            return List.of(new String(Files.readAllBytes(Path.of("/proc", pid, "environ")), StandardCharsets.UTF_8)
                    .split("\0"));
        } catch (IOException gone) {
            return List.of();
        }
    }

    /** pid → command line of every process, from /proc. */
    private static Map<String, String> processes() throws IOException {
        Map<String, String> out = new java.util.HashMap<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : (Iterable<Path>) procs::iterator) {
                String pid = proc.getFileName().toString();
                if (!pid.matches("\\d+") || pid.equals(Long.toString(ProcessHandle.current().pid()))) {
                    continue;
                }
                try {
                    out.put(pid, new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' '));
                } catch (IOException gone) {
                    // exited while we looked
                }
            }
        }
        return out;
    }

    private static String header(ConsumerRecord<String, byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
