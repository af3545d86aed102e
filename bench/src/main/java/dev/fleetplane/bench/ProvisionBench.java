package dev.fleetplane.bench;

import dev.fleetplane.cli.ServiceProcess;
import dev.fleetplane.events.CloudEventsKafkaCodec;
import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.EventKind;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.Topics;
import dev.fleetplane.events.provisioning.ProvisionHost;
import dev.fleetplane.events.provisioning.ProvisioningFailed;
import dev.fleetplane.localstack.LocalStack;
import dev.fleetplane.localstack.LocalStackOptions;
import dev.fleetplane.proxmox.client.GuestIpChoice;
import dev.fleetplane.proxmox.client.PveConnection;
import dev.fleetplane.proxmox.client.PveException;
import dev.fleetplane.proxmox.client.PveReadOnlyClient;
import dev.fleetplane.pvesim.GuestSsh;
import dev.fleetplane.pvesim.PveSimulator;
import dev.fleetplane.pvesim.SeedVm;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Provisioning benchmark: ProvisionHost → ProvisioningSucceeded through the packaged proxmox-adapter and
 * provisioner-service (own JVMs, real Kafka and PostgreSQL from LocalStack) against the PVE simulator's network
 * namespace guests (real sshd, an address that moves during the switch). Measures one host alone, then N hosts at once
 * with the default worker pool and with N workers, against the slowest single host; asserts nothing. The services are
 * launched as {@code fleetplane up} launches them (fleetctl's {@link ServiceProcess}); the guest agent is read through
 * proxmox-client.
 *
 * <pre>bench/provision-bench.sh [--hosts 20] [--singles 3] [--workers 4,20] [--keepalive PT2S] [--keep-logs true]</pre>
 */
public final class ProvisionBench {

    private static final String TOKEN_ID = "fleetplane@pve!provision-bench";
    private static final String NODE = "pve";
    private static final String ADMIN = "ops";
    private static final String REBUILD = "nixos-rebuild switch --flake /etc/nixos#{host}";
    private static final String SOURCE = "/fleetplane/provision-bench";
    private static final Duration PHASE_LIMIT = Duration.ofMinutes(10);
    private static final Duration READY_LIMIT = Duration.ofMinutes(3);

    private final Path root;
    private final Path work;
    private final String keepalive;
    private final String secret = UUID.randomUUID().toString();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<ServiceProcess> children = new CopyOnWriteArrayList<>();
    private final Map<String, List<Seen>> seen = new ConcurrentHashMap<>();
    private final List<String> notes = new CopyOnWriteArrayList<>();
    private PveSimulator sim;
    private LocalStack stack;
    private PveReadOnlyClient pve;
    private int nextVmid = 2000;
    private String netnsPrefix; // this simulator's namespaces: fpsim-<bridge id>-<vmid>

    private ProvisionBench(Path root, Path work, String keepalive) {
        this.root = root;
        this.work = work;
        this.keepalive = keepalive;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = args(args);
        Path root = Path.of(a.getOrDefault("root", ".")).toAbsolutePath().normalize();
        int hosts = Integer.parseInt(a.getOrDefault("hosts", "20"));
        int singles = Integer.parseInt(a.getOrDefault("singles", "3"));
        List<Integer> workers = Stream.of(a.getOrDefault("workers", "4," + hosts).split(","))
                .map(String::strip).map(Integer::parseInt).toList();
        String keepalive = a.getOrDefault("keepalive", "PT2S");
        boolean keepLogs = Boolean.parseBoolean(a.getOrDefault("keep-logs", "false"));
        Path work = Files.createTempDirectory("fleetplane-provision-bench-");
        ProvisionBench bench = new ProvisionBench(root, work, keepalive);
        // Ctrl-C: the simulator and LocalStack have their own hooks (namespaces, sshd, Kafka, PostgreSQL); the
        // services also exit when this JVM goes (FLEETPLANE_PARENT_PID), this hook just does not wait for that.
        Thread hook = new Thread(() -> {
            bench.stopChildren();
            deleteTree(work);
        }, "provision-bench-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        boolean ok = false;
        try {
            bench.run(hosts, singles, workers);
            ok = true;
        } finally {
            bench.stopChildren();
            if (ok && !keepLogs) {
                deleteTree(work);
            } else {
                deleteTree(work.resolve("apps"));
                System.out.println("service logs kept for inspection: " + work.resolve("logs"));
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or has run
            }
        }
    }

    private void run(int hosts, int singles, List<Integer> workerCounts) throws Exception {
        Path apps = copyApps("proxmox-adapter", "provisioner-service");
        Path key = sshKey();
        Path logs = Files.createDirectories(work.resolve("logs"));
        System.out.printf("provision bench: %d singles, %d hosts at once with workers %s, ssh keepalive %s (as the demo)%n",
                singles, hosts, workerCounts, keepalive);
        System.out.println("load before start: " + uptime());
        try (LocalStack ls = LocalStack.start(LocalStackOptions.defaults());
             PveSimulator s = PveSimulator.builder().node(NODE).apiToken(TOKEN_ID, secret)
                     .taskDuration(Duration.ZERO)
                     .guestSsh(GuestSsh.of(Path.of(key + ".pub")))
                     .netnsGuests(true)
                     .build().start()) {
            this.stack = ls;
            this.sim = s;
            this.pve = PveReadOnlyClient.connect(PveConnection.of(sim.url(), TOKEN_ID, secret));
            if (!sim.hasNetnsGuests()) {
                throw new IllegalStateException("this benchmark needs network-namespace guests (root, iproute2, unshare);"
                        + " the simulator fell back to loopback guests");
            }
            Map<String, String> env = serviceEnv(key);
            ServiceProcess adapter = launch("proxmox-adapter", apps, env, logs);
            ServiceProcess provisioner = launchProvisioner(apps, env, logs, workerCounts.get(0));
            adapter.awaitReady(READY_LIMIT);
            provisioner.awaitReady(READY_LIMIT);
            System.out.printf("adapter ready in %d ms, provisioner (%d workers) in %d ms%n", adapter.readyMillis(),
                    workerCounts.get(0), provisioner.readyMillis());

            try (Driver driver = new Driver(stack.kafkaBootstrapServers())) {
                // Single hosts, with the first worker count (one host uses one worker whatever the pool size).
                Phase warm = phase(driver, "warm-up", 1);
                System.out.printf("warm-up host: %d ms (not counted)%n", warm.maxMillis());
                List<Long> single = new ArrayList<>();
                List<Phase> singlePhases = new ArrayList<>();
                for (int i = 0; i < singles; i++) {
                    Phase p = phase(driver, "single-" + (i + 1), 1);
                    singlePhases.add(p);
                    single.add(p.maxMillis());
                    System.out.printf("single host %d: %d ms%n", i + 1, p.maxMillis());
                }
                long slowestSingle = single.stream().mapToLong(Long::longValue).max().orElseThrow();
                long medianSingle = median(single);

                List<Phase> batches = new ArrayList<>();
                List<Long> hwm = new ArrayList<>();
                for (int w = 0; w < workerCounts.size(); w++) {
                    int workers = workerCounts.get(w);
                    if (w > 0) {
                        hwm.add(peakRssMiB(provisioner));
                        provisioner.close();
                        provisioner = launchProvisioner(apps, env, logs, workers);
                        provisioner.awaitReady(READY_LIMIT);
                        System.out.printf("provisioner restarted with %d workers, ready in %d ms%n", workers,
                                provisioner.readyMillis());
                        Phase again = phase(driver, "warm-up-w" + workers, 1);
                        System.out.printf("warm-up host (%d workers): %d ms (not counted)%n", workers, again.maxMillis());
                    }
                    Phase p = phase(driver, "batch-w" + workers, hosts, workers);
                    batches.add(p);
                    System.out.printf("%d hosts at once, %d workers: wall %d ms%n", hosts, workers, p.wallMillis);
                }
                hwm.add(peakRssMiB(provisioner));
                printTable(hosts, singlePhases, medianSingle, slowestSingle, batches, hwm);
            } finally {
                provisioner.close();
                adapter.close();
            }
        }
        System.out.println("load after: " + uptime());
        if (netnsPrefix != null) {
            Process p = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
            List<String> left = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(l -> l.startsWith(netnsPrefix)).toList();
            p.waitFor();
            System.out.printf("PROVISION-BENCH network namespaces of this run (%s*) left after closing: %d %s%n",
                    netnsPrefix, left.size(), left);
        }
    }

    /** One measured round: n fresh VMs booted (not timed), then n ProvisionHost sent together, until all are done. */
    private Phase phase(Driver driver, String name, int n) throws Exception {
        return phase(driver, name, n, 0);
    }

    private Phase phase(Driver driver, String name, int n, int workers) throws Exception {
        Map<String, Integer> vms = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            int vmid = nextVmid++;
            vms.put("pb-" + vmid, vmid);
        }
        for (Map.Entry<String, Integer> vm : vms.entrySet()) {
            startVm(vm.getValue(), vm.getKey());
        }
        for (Integer vmid : vms.values()) {
            awaitAgentAddress(vmid);
        }
        if (netnsPrefix == null) {
            sim.guestNetns(vms.values().iterator().next())
                    .ifPresent(ns -> netnsPrefix = ns.substring(0, ns.lastIndexOf('-') + 1));
        }
        Map<String, Long> sentAt = new HashMap<>();
        String load = uptime();
        long t0 = System.nanoTime();
        for (Map.Entry<String, Integer> vm : vms.entrySet()) {
            sentAt.put(vm.getKey(), System.nanoTime());
            driver.send(vm.getKey(), new ProvisionHost(vm.getKey(), NODE, vm.getValue(), ADMIN, REBUILD, true));
        }
        driver.flush();
        long deadline = System.nanoTime() + PHASE_LIMIT.toNanos();
        Map<String, Seen> ends = new HashMap<>();
        while (ends.size() < n) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + ": only " + ends.size() + " of " + n + " hosts finished within "
                        + PHASE_LIMIT.toMinutes() + " minutes; waiting for " + vms.keySet().stream()
                        .filter(h -> !ends.containsKey(h)).toList());
            }
            for (String host : vms.keySet()) {
                if (!ends.containsKey(host)) {
                    terminal(host).ifPresent(e -> ends.put(host, e));
                }
            }
            Thread.sleep(20);
        }
        long last = ends.values().stream().mapToLong(Seen::nanos).max().orElseThrow();
        Map<String, Long> durations = new LinkedHashMap<>();
        List<String> failures = new ArrayList<>();
        int ipChanges = 0;
        Map<String, List<Long>> segments = new LinkedHashMap<>();
        for (String host : vms.keySet()) {
            Seen end = ends.get(host);
            durations.put(host, (end.nanos - sentAt.get(host)) / 1_000_000);
            if (end.event.is(EventCatalog.PROVISIONING_FAILED)) {
                ProvisioningFailed f = end.event.dataAs(EventCatalog.PROVISIONING_FAILED);
                List<String> tail = f.outputTail() == null ? List.of() : f.outputTail();
                failures.add(host + " at step " + f.step() + ": " + f.reason() + (tail.isEmpty() ? ""
                        : "; last output: " + String.join(" | ", tail.subList(Math.max(0, tail.size() - 5), tail.size()))));
            }
            List<Seen> story = seen.getOrDefault(host, List.of());
            ipChanges += (int) story.stream().filter(s -> s.event.is(EventCatalog.IP_CHANGED)).count();
            segment(segments, "resolve-ip", sentAt.get(host), first(story, EventCatalog.IP_RESOLVED));
            segment(segments, "worker-queue+ssh+hw-config", first(story, EventCatalog.IP_RESOLVED),
                    first(story, EventCatalog.HARDWARE_CONFIG_GENERATED));
            segment(segments, "switch+drop+re-resolve+confirm", first(story, EventCatalog.HARDWARE_CONFIG_GENERATED),
                    first(story, EventCatalog.REBUILD_SUCCEEDED));
            segment(segments, "integrate", first(story, EventCatalog.REBUILD_SUCCEEDED),
                    first(story, EventCatalog.PROVISIONING_SUCCEEDED));
        }
        failures.forEach(f -> System.out.println("  FAILED " + f));
        stopAll(vms.values()); // fewer sshd and namespaces around for the next round
        return new Phase(name, n, (last - t0) / 1_000_000, durations, failures, ipChanges, segments, workers, load);
    }

    private static void segment(Map<String, List<Long>> segments, String name, Long from, Long to) {
        if (from != null && to != null) {
            segments.computeIfAbsent(name, k -> new ArrayList<>()).add((to - from) / 1_000_000);
        }
    }

    private static Long first(List<Seen> story, EventKind<?> kind) {
        return story.stream().filter(s -> s.event.is(kind)).map(Seen::nanos).findFirst().orElse(null);
    }

    private java.util.Optional<Seen> terminal(String host) {
        return seen.getOrDefault(host, List.of()).stream().filter(s -> s.event.is(EventCatalog.PROVISIONING_SUCCEEDED)
                || s.event.is(EventCatalog.PROVISIONING_FAILED)).findFirst();
    }

    private void printTable(int hosts, List<Phase> singles, long medianSingle, long slowestSingle, List<Phase> batches,
                            List<Long> hwm) {
        System.out.println();
        System.out.printf("PROVISION-BENCH single host (%d runs after a warm-up): median %d ms, slowest %d ms%n",
                singles.size(), medianSingle, slowestSingle);
        System.out.printf("PROVISION-BENCH ssh keepalive %s (as the demo): the dropped rebuild connection is noticed after"
                + " 3 missed keepalives%n", keepalive);
        System.out.println();
        System.out.printf("%-9s %-7s %9s %10s %10s %8s %10s %11s %8s %10s %9s%n", "workers", "hosts", "wall ms",
                "host p50", "host max", "ok/fail", "ideal ms", "wall/ideal", "wall/1", "IpChanged", "peak RSS");
        for (int i = 0; i < batches.size(); i++) {
            Phase b = batches.get(i);
            long ideal = (long) Math.ceil(hosts / (double) b.workers) * slowestSingle;
            System.out.printf("%-9d %-7d %9d %10d %10d %8s %10d %11.2f %8.2f %10d %9s%n", b.workers, b.hosts,
                    b.wallMillis, median(List.copyOf(b.durations.values())), b.maxMillis(),
                    (b.hosts - b.failures.size()) + "/" + b.failures.size(), ideal, b.wallMillis / (double) ideal,
                    b.wallMillis / (double) slowestSingle, b.ipChanges,
                    i < hwm.size() && hwm.get(i) >= 0 ? hwm.get(i) + " MiB" : "?");
        }
        System.out.println("  ideal = ceil(hosts/workers) x slowest single; wall/1 = wall / slowest single;"
                + " peak RSS = provisioner VmHWM over its life");
        System.out.println();
        System.out.println("PROVISION-BENCH per-step medians / max (ms), from the events' arrival at the driver:");
        List<Phase> all = new ArrayList<>(singles);
        all.addAll(batches);
        for (Phase p : all) {
            String steps = p.segments.entrySet().stream().map(e -> e.getKey() + " " + median(e.getValue()) + "/"
                    + e.getValue().stream().mapToLong(Long::longValue).max().orElse(0)).collect(Collectors.joining(", "));
            System.out.printf("  %-10s %s%n", p.name, steps);
        }
        for (Phase b : batches) {
            System.out.printf("PROVISION-BENCH load at the start of %s: %s%n", b.name, b.load);
            b.failures.forEach(f -> System.out.println("  FAILED " + f));
        }
        notes.forEach(System.out::println);
    }

    // ------------------------------------------------------------------ the simulator's VMs

    /** A stopped VM with the agent on and cloud-init's admin user, then started (its guest boots for real). */
    private void startVm(int vmid, String name) throws Exception {
        sim.seed(List.of(SeedVm.vm(vmid, name).withAgent(true)));
        api("PUT", "/nodes/" + NODE + "/qemu/" + vmid + "/config", Map.of("ciuser", ADMIN));
        api("POST", "/nodes/" + NODE + "/qemu/" + vmid + "/status/start", Map.of());
    }

    /** Stops in parallel: one stop waits about a second for its guest, most of it idle. */
    private void stopAll(java.util.Collection<Integer> vmids) throws InterruptedException {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            vmids.forEach(vmid -> pool.submit(() -> stopVm(vmid)));
        } finally {
            pool.shutdown();
            if (!pool.awaitTermination(5, TimeUnit.MINUTES)) {
                notes.add("note: some VMs were still stopping after 5 minutes; closing the simulator stops them");
            }
        }
    }

    private void stopVm(int vmid) {
        try {
            api("POST", "/nodes/" + NODE + "/qemu/" + vmid + "/status/stop", Map.of());
        } catch (Exception e) {
            notes.add("note: stopping VM " + vmid + " failed: " + e.getMessage());
        }
    }

    /** Until the guest agent reports an address fleetplane would SSH to: the state a planner's VmStarted finds. */
    private void awaitAgentAddress(int vmid) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String why = "no answer yet";
        while (System.nanoTime() < deadline) {
            try {
                GuestIpChoice.Result choice = GuestIpChoice.choose(null, pve.guestInterfaces(NODE, vmid), false);
                if (choice.chosen().isPresent()) {
                    return;
                }
                why = choice.note();
            } catch (PveException agentNotUpYet) {
                why = agentNotUpYet.getMessage();
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("guest of VM " + vmid + " reported no usable address within 60 s: " + why);
    }

    /**
     * The writes (config, start, stop) as plain HTTP: proxmox-client's {@code ProxmoxClient} needs a Quarkus runtime,
     * and its plain-Java {@link PveReadOnlyClient} only reads.
     */
    private String api(String method, String path, Map<String, String> form) throws Exception {
        HttpResponse<String> r = http.send(request(method, path, form), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 400) {
            throw new IllegalStateException(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    private HttpRequest request(String method, String path, Map<String, String> form) {
        String body = form.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(),
                StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        return HttpRequest.newBuilder(URI.create(sim.url() + path))
                .header("Authorization", "PVEAPIToken=" + TOKEN_ID + "=" + secret)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build();
    }

    // ------------------------------------------------------------------ services

    /** What fleetctl's FleetStack gives the services, minus the planner's and the console's parts. */
    private Map<String, String> serviceEnv(Path key) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", stack.kafkaBootstrapServers());
        env.put("QUARKUS_DATASOURCE_JDBC_URL", stack.jdbcUrl());
        env.put("QUARKUS_DATASOURCE_USERNAME", stack.jdbcUser());
        env.put("QUARKUS_DATASOURCE_PASSWORD", stack.jdbcPassword());
        env.put("PVE_URL", sim.url()); // plain http: no fingerprint to pin
        env.put("PVE_TOKEN_ID", TOKEN_ID);
        env.put("PVE_TOKEN_SECRET", secret);
        env.put("FLEETPLANE_PROVISIONER_SSH_IDENTITY_FILE", key.toString());
        env.put("FLEETPLANE_PROVISIONER_SSH_PORT", Integer.toString(sim.guestSshPort().orElse(22)));
        env.put("FLEETPLANE_PROVISIONER_SSH_KEEPALIVE", keepalive);
        return env;
    }

    private static Map<String, String> with(Map<String, String> env, String key, String value) {
        Map<String, String> out = new LinkedHashMap<>(env);
        out.put(key, value);
        return out;
    }

    /**
     * A private copy of the packaged apps, laid out as in the repository ({@code <module>/target/quarkus-app}) for
     * {@link ServiceProcess}: other builds on this machine may repackage a module while the benchmark runs, and a JVM
     * whose lib/ is replaced under it fails on its next class load.
     */
    private Path copyApps(String... modules) throws IOException, InterruptedException {
        Path apps = work.resolve("apps");
        for (String module : modules) {
            Path app = root.resolve(module).resolve("target/quarkus-app");
            if (!Files.isRegularFile(app.resolve("quarkus-run.jar"))) {
                throw new IllegalStateException(app.resolve("quarkus-run.jar") + " is missing: build it with"
                        + " `mvn -B -pl " + module + " package -DskipTests`");
            }
            Path target = apps.resolve(module).resolve("target/quarkus-app");
            Files.createDirectories(target.getParent());
            Process cp = new ProcessBuilder("cp", "-a", app.toString(), target.toString()).redirectErrorStream(true)
                    .start();
            String out = new String(cp.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (cp.waitFor() != 0) {
                throw new IllegalStateException("copying " + app + " failed: " + out.strip());
            }
        }
        return apps;
    }

    /** A service from its copied app, with the demo's JVM flags, logging to {@code logs/<service>.log}. */
    private ServiceProcess launch(String module, Path apps, Map<String, String> env, Path logs) throws IOException {
        ServiceProcess p = ServiceProcess.start(apps, module, ServiceProcesses.freePort(), env, logs);
        children.add(p);
        return p;
    }

    /** The provisioner with {@code workers} rebuild workers, its log in {@code logs/w<workers>/}. */
    private ServiceProcess launchProvisioner(Path apps, Map<String, String> env, Path logs, int workers)
            throws IOException {
        return launch("provisioner-service", apps, with(env, "FLEETPLANE_PROVISIONER_REBUILD_WORKERS",
                Integer.toString(workers)), Files.createDirectories(logs.resolve("w" + workers)));
    }

    private Path sshKey() throws IOException, InterruptedException {
        Path key = work.resolve("id_ed25519");
        Process p = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "provision-bench",
                "-f", key.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("ssh-keygen failed: " + out.strip());
        }
        return key;
    }

    private void stopChildren() {
        children.forEach(ServiceProcess::close);
    }

    /** VmHWM (peak resident set over the process's life) in MiB, or -1 where /proc does not say. */
    private static long peakRssMiB(ServiceProcess service) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(service.pid()), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException notLinux) {
            // not Linux, or gone
        }
        return -1;
    }

    // ------------------------------------------------------------------ Kafka

    /** An event and when the driver received it. */
    private record Seen(FleetEvent event, long nanos) {
    }

    /** Produces ProvisionHost and records every provisioning event (arrival time) by host. */
    private final class Driver implements AutoCloseable {
        private final KafkaProducer<String, byte[]> producer;
        private final Thread collector;
        private volatile boolean running = true;

        Driver(String bootstrap) throws InterruptedException {
            Properties pp = new Properties();
            pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            pp.put(ProducerConfig.ACKS_CONFIG, "all");
            pp.put(ProducerConfig.LINGER_MS_CONFIG, "0");
            producer = new KafkaProducer<>(pp, new StringSerializer(), new ByteArraySerializer());
            Properties cp = new Properties();
            cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            cp.put(ConsumerConfig.GROUP_ID_CONFIG, "provision-bench-" + UUID.randomUUID());
            cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            KafkaConsumer<String, byte[]> consumer =
                    new KafkaConsumer<>(cp, new StringDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> parts = consumer.partitionsFor(Topics.PROVISIONING_EVENTS, Duration.ofSeconds(30))
                    .stream().map(i -> new TopicPartition(Topics.PROVISIONING_EVENTS, i.partition())).toList();
            consumer.assign(parts);
            consumer.seekToEnd(parts);
            parts.forEach(consumer::position); // fix the start offsets before anything is sent
            collector = new Thread(() -> {
                try (consumer) {
                    while (running) {
                        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                            long now = System.nanoTime();
                            FleetEvent e = CloudEventsKafkaCodec.decode(r.headers(), r.value());
                            seen.computeIfAbsent(e.subject(), h -> new CopyOnWriteArrayList<>()).add(new Seen(e, now));
                        }
                    }
                }
            }, "provision-bench-events");
            collector.setDaemon(true);
            collector.start();
        }

        void send(String host, ProvisionHost command) {
            FleetEvent e = FleetEvent.create(EventCatalog.PROVISION_HOST, SOURCE, host, command, "bench-" + host);
            producer.send(CloudEventsKafkaCodec.toRecord(Topics.PROVISIONING_COMMANDS, host, e));
        }

        void flush() {
            producer.flush();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            collector.join(5000);
            producer.close(Duration.ofSeconds(5));
        }
    }

    // ------------------------------------------------------------------ figures

    /** One measured round. */
    private record Phase(String name, int hosts, long wallMillis, Map<String, Long> durations, List<String> failures,
                         int ipChanges, Map<String, List<Long>> segments, int workers, String load) {
        long maxMillis() {
            return durations.values().stream().mapToLong(Long::longValue).max().orElse(0);
        }
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        if (sorted.isEmpty()) {
            return 0;
        }
        int m = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(m) : (sorted.get(m - 1) + sorted.get(m)) / 2;
    }

    private static String uptime() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip().replaceAll("^(\\S+ \\S+ \\S+).*", "load average $1");
        } catch (IOException e) {
            return "?";
        }
    }


    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not remove " + dir + ": " + e.getMessage());
        }
    }

    private static Map<String, String> args(String[] args) {
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value pairs, got '" + args[i] + "'");
            }
            out.put(args[i].substring(2), args[++i]);
        }
        return out;
    }
}
