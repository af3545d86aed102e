package dev.fleetplane.bench;

import dev.fleetplane.events.CloudEventsKafkaCodec;
import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.EventKind;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.Topics;
import dev.fleetplane.events.pve.CloneVm;
import dev.fleetplane.events.pve.ConfigureVm;
import dev.fleetplane.events.pve.StartVm;
import dev.fleetplane.localstack.LocalStack;
import dev.fleetplane.localstack.LocalStackOptions;
import dev.fleetplane.pvesim.PveSimulator;
import dev.fleetplane.pvesim.SeedVm;





import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
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
 * Clone benchmark: N clone → configure → start chains through the packaged proxmox-adapter (its own JVM, real Kafka and
 * PostgreSQL from LocalStack) against the PVE simulator with realistic task times and a clone bound per node. Prints
 * wall time against the ideal ceil(N / bound) × per-VM latency, and Proxmox API calls per VM; asserts nothing.
 *
 * <pre>bench/clone-bench.sh [--vms 100] [--bound 4] [--clone-ms 2000] [--start-ms 1000] [--config-ms 50]</pre>
 */
public final class CloneBench {

    private static final String TOKEN_ID = "fleetplane@pve!bench";
    private static final int TEMPLATE = 9000;
    private static final int FIRST_VMID = 1000;

    private CloneBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = args(args);
        Path root = Path.of(a.getOrDefault("root", ".")).toAbsolutePath().normalize();
        int vms = Integer.parseInt(a.getOrDefault("vms", "100"));
        int bound = Integer.parseInt(a.getOrDefault("bound", "4"));
        Duration clone = Duration.ofMillis(Long.parseLong(a.getOrDefault("clone-ms", "2000")));
        Duration start = Duration.ofMillis(Long.parseLong(a.getOrDefault("start-ms", "1000")));
        Duration config = Duration.ofMillis(Long.parseLong(a.getOrDefault("config-ms", "50")));
        Path jar = root.resolve("proxmox-adapter/target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build it with `mvn -B -pl proxmox-adapter package -DskipTests`");
        }
        String secret = UUID.randomUUID().toString();
        Path logDir = Files.createTempDirectory("fleetplane-clone-bench-");
        Path adapterLog = logDir.resolve("proxmox-adapter.log");
        System.out.printf("clone bench: %d VMs, %d clones per node, clone %d ms, start %d ms, config write %d ms%n",
                vms, bound, clone.toMillis(), start.toMillis(), config.toMillis());
        Process adapter = null;
        boolean keepLog = true;
        try (LocalStack stack = LocalStack.start(LocalStackOptions.defaults());
             PveSimulator sim = PveSimulator.builder().apiToken(TOKEN_ID, secret)
                     .taskDuration("qmclone", clone).taskDuration("qmstart", start)
                     .faults(f -> f.latency("config-write", config))
                     .seed(SeedVm.template(TEMPLATE, "nixos-template")).build().start()) {
            int port = ServiceProcesses.freePort();
            ProcessBuilder pb = ServiceProcesses.service(jar, List.of("-Xmx256m", "-XX:+UseSerialGC"), stack, port,
                    adapterLog);
            Map<String, String> env = pb.environment();
            env.put("PVE_URL", sim.url());
            env.put("PVE_TOKEN_ID", TOKEN_ID);
            env.put("PVE_TOKEN_SECRET", secret);
            env.put("FLEETPLANE_ADAPTER_LIMITS_CLONES_PER_NODE", Integer.toString(bound));
            env.put("FLEETPLANE_ADAPTER_TASKS_POLL_INTERVAL", a.getOrDefault("poll", "PT0.2S"));
            adapter = pb.start();
            long t0 = System.nanoTime();
            ServiceProcesses.awaitReady("proxmox-adapter", adapter, port, adapterLog);
            System.out.printf("adapter ready in %d ms (log %s)%n", (System.nanoTime() - t0) / 1_000_000, adapterLog);
            sim.resetCounts();
            Result r = run(stack.kafkaBootstrapServers(), vms);
            long perVm = clone.toMillis() + config.toMillis() + start.toMillis();
            long ideal = (long) Math.ceil(vms / (double) bound) * perVm;
            System.out.printf("%nCLONE-BENCH vms=%d bound=%d wall=%d ms ideal=%d ms (ceil(%d/%d) x %d ms) ratio=%.2f"
                            + " failed=%d%n", vms, bound, r.wallMillis, ideal, vms, bound, perVm,
                    r.wallMillis / (double) ideal, r.failed);
            // The bound covers clones only: configure and start of earlier VMs overlap later clones.
            long cloneBound = (long) Math.ceil(vms / (double) bound) * clone.toMillis() + config.toMillis() + start.toMillis();
            System.out.printf("CLONE-BENCH clone-bound ideal=%d ms (ceil(%d/%d) x %d ms clone + %d ms config + %d ms start)"
                    + " ratio=%.2f%n", cloneBound, vms, bound, clone.toMillis(), config.toMillis(), start.toMillis(),
                    r.wallMillis / (double) cloneBound);
            System.out.printf("CLONE-BENCH api-calls total=%d per-vm=%.1f%n", sim.requestCount(),
                    sim.requestCount() / (double) vms);
            Map<String, Long> counts = new TreeMap<>(sim.requestCounts());
            counts.forEach((k, v) -> System.out.printf("  %-55s %6d  (%.2f per VM)%n", k, v, v / (double) vms));
            keepLog = false;
            System.out.printf("CLONE-BENCH latency-per-chain p50=%d ms p90=%d ms max=%d ms%n", r.percentile(50),
                    r.percentile(90), r.percentile(100));
        } finally {
            ServiceProcesses.stop(adapter);
            if (keepLog) {
                System.out.println("adapter log kept for inspection: " + adapterLog);
            } else {
                Files.deleteIfExists(adapterLog);
                Files.deleteIfExists(logDir);
            }
        }
    }

    /** Wall time and per-chain latencies of one run. */
    private record Result(long wallMillis, int failed, List<Long> chainMillis) {
        long percentile(int p) {
            List<Long> sorted = chainMillis.stream().sorted().toList();
            if (sorted.isEmpty()) {
                return 0;
            }
            return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1 < 0 ? 0
                    : (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
        }
    }

    /** Publishes every clone at once; each VmCloned triggers its ConfigureVm, each VmConfigured its StartVm. */
    private static Result run(String bootstrap, int vms) {
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        pp.put(ProducerConfig.ACKS_CONFIG, "all");
        pp.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        cp.put(ConsumerConfig.GROUP_ID_CONFIG, "clone-bench-" + UUID.randomUUID());
        cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(pp, new StringSerializer(), new ByteArraySerializer());
             KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(cp, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(Topics.PVE_EVENTS, Duration.ofSeconds(30)).stream()
                    .map(i -> new TopicPartition(Topics.PVE_EVENTS, i.partition())).toList();
            consumer.assign(parts);
            consumer.seekToEnd(parts);
            parts.forEach(consumer::position); // fix the start offsets before anything is published
            Map<String, Integer> vmidOf = new HashMap<>();      // command id -> vmid
            Map<Integer, Long> startedAt = new HashMap<>();
            List<Long> chains = new ArrayList<>();
            int failed = 0;
            long t0 = System.nanoTime();
            for (int i = 0; i < vms; i++) {
                int vmid = FIRST_VMID + i;
                startedAt.put(vmid, System.nanoTime());
                vmidOf.put(send(producer, host(vmid), EventCatalog.CLONE_VM,
                        new CloneVm("pve", TEMPLATE, vmid, host(vmid), null, true)), vmid);
            }
            producer.flush();
            int done = 0;
            long deadline = System.nanoTime() + Duration.ofMinutes(15).toNanos();
            while (done + failed < vms) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + done + " of " + vms + " chains finished within 15 minutes");
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    FleetEvent e = CloudEventsKafkaCodec.decode(r.headers(), r.value());
                    Integer vmid = vmidOf.remove(e.causationId());
                    if (vmid == null) {
                        continue;
                    }
                    if (e.is(EventCatalog.VM_CLONED)) {
                        vmidOf.put(send(producer, host(vmid), EventCatalog.CONFIGURE_VM,
                                new ConfigureVm("pve", vmid, 2, 2048, Map.of("tags", "bench"))), vmid);
                    } else if (e.is(EventCatalog.VM_CONFIGURED)) {
                        vmidOf.put(send(producer, host(vmid), EventCatalog.START_VM, new StartVm("pve", vmid)), vmid);
                    } else if (e.is(EventCatalog.VM_STARTED)) {
                        done++;
                        chains.add((System.nanoTime() - startedAt.get(vmid)) / 1_000_000);
                    } else {
                        failed++;
                        System.out.printf("  VM %d: %s %s%n", vmid, e.type(), new String(r.value()));
                    }
                }
            }
            return new Result((System.nanoTime() - t0) / 1_000_000, failed, chains);
        }
    }

    private static String host(int vmid) {
        return "bench-" + vmid;
    }

    private static <T> String send(KafkaProducer<String, byte[]> producer, String host, EventKind<T> kind, T payload) {
        FleetEvent e = FleetEvent.create(kind, "/fleetplane/clone-bench", host, payload, "bench-" + host);
        producer.send(CloudEventsKafkaCodec.toRecord(Topics.PVE_COMMANDS, host, e));
        return e.id();
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
