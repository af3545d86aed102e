package dev.fleetplane.bench.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleetplane.bench.ServiceProcesses;
import dev.fleetplane.events.CloudEventsKafkaCodec;
import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.Topics;
import dev.fleetplane.events.pve.CloneVm;
import dev.fleetplane.localstack.LocalStack;
import dev.fleetplane.localstack.LocalStackOptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Dashboard benchmark (issue #14): how far behind Kafka the planner's live event stream ({@code GET
 * /api/v1/events/stream}, what the dashboard follows) runs, and what open streams cost the planner. Starts LocalStack
 * (real Kafka + PostgreSQL) and the packaged planner as its own JVM with the flags {@code fleetplane up} gives it and a
 * tokens file holding one viewer token; follows one stream as that viewer with java.net.http; publishes valid
 * CloudEvents ({@code CloneVm} on {@code pve.commands}, a topic the event log reads and nothing else in the planner
 * consumes) at {@code --rate} per second for {@code --seconds}, each record's timestamp (CreateTime) set to its send
 * time, and takes for every event the time from that timestamp until its {@code data} arrived on the stream: the path
 * Kafka → the event log's consumer → PostgreSQL → LISTEN/NOTIFY → SSE. Then opens {@code --streams} more streams and
 * reads the planner's RSS before and after (each stream with a viewer token of its own: the planner admits
 * {@code fleetplane.planner.dashboard.streams-per-token} per token). Prints figures, asserts nothing.
 *
 * <pre>bench/dashboard-bench.sh [--rate 1000] [--seconds 20] [--streams 20] [--warmup 500]</pre>
 */
public final class DashboardBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** As `fleetplane up` starts every service (fleetctl's ServiceProcess). */
    private static final List<String> PLANNER_JVM = List.of("-Xms32m", "-Xmx256m", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1", "-Xshare:auto");
    private static final String STREAM = "/api/v1/events/stream";
    private static final int HOSTS = 100;
    /** The event log's consumer group (planner application.properties, channel event-log). */
    private static final String EVENT_LOG_GROUP = "planner.event-log";

    private final Map<String, Long> sentAt = new ConcurrentHashMap<>();
    private final Map<String, Long> lagOf = new ConcurrentHashMap<>();
    private int vmid = 1000;

    private DashboardBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = args(args);
        Path root = Path.of(a.getOrDefault("root", ".")).toAbsolutePath().normalize();
        int rate = positive(a, "rate", 1000);
        int seconds = positive(a, "seconds", 20);
        int streams = positive(a, "streams", 20);
        int warmup = positive(a, "warmup", 500);
        Path jar = root.resolve("planner-service/target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build it with"
                    + " `mvn -B -o -pl planner-service -am package -DskipTests` (bench/dashboard-bench.sh does)");
        }
        System.out.printf("DASHBOARD-BENCH machine: nproc=%d, java %s (%s), %s %s, load average %s%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                System.getProperty("java.vm.name"), System.getProperty("os.name"), System.getProperty("os.arch"),
                loadAverage());
        System.out.println("DASHBOARD-BENCH the figures are one run's, on loopback: driver, Kafka, PostgreSQL and the"
                + " planner share the same cores, and other work on the machine moves them");
        System.out.printf("dashboard bench: %d warm-up events, then %d events/s for %d s on %s; then %d streams%n",
                warmup, rate, seconds, Topics.PVE_COMMANDS, streams);
        new DashboardBench().run(jar, rate, seconds, streams, warmup);
    }

    private void run(Path jar, int rate, int seconds, int streams, int warmup) throws Exception {
        // One viewer per stream, as dashboards would be: the planner admits a bounded number of streams per token.
        ServiceProcesses.Token viewer = ServiceProcesses.Token.random("bench-viewer", "viewer");
        List<ServiceProcesses.Token> viewers = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            viewers.add(ServiceProcesses.Token.random("bench-viewer-" + i, "viewer"));
        }
        List<ServiceProcesses.Token> admitted = new ArrayList<>(viewers);
        admitted.add(viewer);
        Path dir = Files.createTempDirectory("fleetplane-dashboard-bench-");
        Path tokens = ServiceProcesses.tokensFile(dir.resolve("tokens"), admitted);
        Path log = dir.resolve("planner.log");
        Process planner = null;
        List<SseStream> open = new ArrayList<>();
        boolean keepLog = true;
        try (LocalStack stack = LocalStack.start(LocalStackOptions.defaults());
             KafkaProducer<String, byte[]> producer = producer(stack.kafkaBootstrapServers())) {
            int port = ServiceProcesses.freePort();
            ProcessBuilder pb = ServiceProcesses.service(jar, PLANNER_JVM, stack, port, log);
            pb.environment().put("FLEETPLANE_TOKENS_FILE", tokens.toString());
            long t0 = System.nanoTime();
            planner = pb.start();
            ServiceProcesses.awaitReady("planner", planner, port, log);
            long pid = planner.pid();
            System.out.printf("planner ready in %d ms (pid %d, %s; log %s)%n",
                    (System.nanoTime() - t0) / 1_000_000, pid, String.join(" ", PLANNER_JVM), log);
            ProcStatus started = ProcStatus.of(pid);
            URI stream = URI.create("http://127.0.0.1:" + port + STREAM);
            HttpClient http = HttpClient.newHttpClient();

            // 1. One stream, the warm-up, then the measured rate.
            SseStream one = SseStream.follow(http, stream, viewer.secret(), this::received, "sse-measured");
            open.add(one);
            prime(producer, List.of(one));
            long beforeWarmup = one.events();
            send(producer, warmup, Math.min(rate, 500), false);
            awaitCount("the warm-up on the stream", () -> one.events() - beforeWarmup, warmup, Duration.ofSeconds(60),
                    one);
            int total = rate * seconds;
            boolean all;
            long sendStart;
            long sendEnd;
            long sendMillis;
            try (GroupLag groupLag = new GroupLag(stack.kafkaBootstrapServers(), EVENT_LOG_GROUP, Topics.PVE_COMMANDS,
                    500)) {
                sendStart = System.currentTimeMillis();
                sendMillis = send(producer, total, rate, true);
                sendEnd = System.currentTimeMillis();
                all = awaitCount("the measured events on the stream", lagOf::size, total, Duration.ofSeconds(60),
                        one);
                reportGroupLag(groupLag.readings(), sendEnd - sendStart);
            }
            long lastArrival = lagOf.isEmpty() ? sendEnd : lagOf.entrySet().stream()
                    .mapToLong(e -> sentAt.get(e.getKey()) + e.getValue()).max().orElse(sendEnd);
            report(total, sendMillis, sendStart, sendEnd, lastArrival, all, seconds);
            ProcStatus idle = ProcStatus.of(pid);

            // 2. N more streams (the measured one stays open): what each costs the planner as events fan out to all.
            List<SseStream> more = new ArrayList<>();
            for (int i = 0; i < streams; i++) {
                SseStream s = SseStream.follow(http, stream, viewers.get(i).secret(), (event, data, at) -> { },
                        "sse-" + i);
                more.add(s);
                open.add(s);
            }
            prime(producer, more);
            long[] base = more.stream().mapToLong(SseStream::events).toArray();
            int fanOut = 200;
            send(producer, fanOut, 100, false);
            for (int i = 0; i < streams; i++) {
                SseStream s = more.get(i);
                long from = base[i];
                awaitCount("stream " + i + " of " + streams, () -> s.events() - from, fanOut, Duration.ofSeconds(60), s);
            }
            ProcStatus withMore = ProcStatus.of(pid);
            System.out.printf("%nDASHBOARD-BENCH planner started, idle:           %s%n", started);
            System.out.printf("DASHBOARD-BENCH after the measured stream, before %d more: %s%n", streams, idle);
            System.out.printf("DASHBOARD-BENCH with %d more streams (%d events each): %s%n", streams, fanOut, withMore);
            System.out.printf("DASHBOARD-BENCH added by %d streams: VmRSS %+.1f MiB (%+.0f KiB per stream), threads %+d%n",
                    streams, (withMore.rssKib - idle.rssKib) / 1024.0, (withMore.rssKib - idle.rssKib) / (double) streams,
                    withMore.threads - idle.threads);
            System.out.printf("DASHBOARD-BENCH load average at the end %s%n", loadAverage());
            keepLog = false;
        } finally {
            open.forEach(SseStream::close);
            ServiceProcesses.stop(planner);
            if (keepLog) {
                System.out.println("planner log kept for inspection: " + log);
            } else {
                Files.deleteIfExists(log);
                Files.deleteIfExists(tokens);
                Files.deleteIfExists(dir);
            }
        }
    }

    /** The stream's reader: the lag of each measured event (primers and the warm-up are not timed). */
    private void received(String event, String data, long at) {
        if (!"fleet-event".equals(event)) {
            System.out.printf("DASHBOARD-BENCH the stream sent %s: %s%n", event, data);
            return;
        }
        try {
            String id = JSON.readTree(data).path("id").asText();
            Long sent = sentAt.get(id);
            if (sent != null) {
                lagOf.put(id, at - sent);
            }
        } catch (IOException notJson) {
            System.out.println("not JSON on the stream: " + data);
        }
    }

    /**
     * A stream carries only what is logged after it was admitted: sends one event every 100 ms until each of
     * {@code streams} has received one, so that the counting starts on streams known to be live.
     */
    private void prime(KafkaProducer<String, byte[]> producer, List<SseStream> streams) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (streams.stream().anyMatch(s -> s.events() == 0)) {
            for (SseStream s : streams) {
                if (s.failure() != null) {
                    throw new IllegalStateException(s.failure());
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not every stream received an event within 60 s");
            }
            send(producer, 1, 10, false);
            Thread.sleep(100);
        }
    }

    /**
     * Sends {@code count} events at {@code perSecond}, each paced to its own moment (t0 + i / rate), its record
     * timestamp the wall clock at sending; returns how long sending took (ms).
     */
    private long send(KafkaProducer<String, byte[]> producer, int count, int perSecond, boolean measured) {
        long t0 = System.nanoTime();
        long every = 1_000_000_000L / perSecond;
        for (int i = 0; i < count; i++) {
            long wait = t0 + i * every - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            int n = vmid++;
            String host = "bench-" + (n % HOSTS);
            FleetEvent e = FleetEvent.create(EventCatalog.CLONE_VM, "/fleetplane/dashboard-bench", host,
                    new CloneVm("pve", 9000, n, host, null, true), measured ? "measured" : "warm-up");
            ProducerRecord<String, byte[]> r = CloudEventsKafkaCodec.toRecord(Topics.PVE_COMMANDS, host, e);
            long now = System.currentTimeMillis();
            if (measured) {
                sentAt.put(e.id(), now);
            }
            producer.send(new ProducerRecord<>(r.topic(), null, now, r.key(), r.value(), r.headers()));
        }
        producer.flush();
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /** Waits until {@code count} reaches {@code expected}, giving up after {@code quiet} without progress. */
    private static boolean awaitCount(String what, LongSupplier count, long expected, Duration quiet, SseStream s)
            throws InterruptedException {
        long last = -1;
        long lastProgress = System.nanoTime();
        while (count.getAsLong() < expected) {
            long now = count.getAsLong();
            if (now != last) {
                last = now;
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > quiet.toNanos()) {
                System.out.printf("%s: %d of %d, nothing more for %d s%s%n", what, now, expected, quiet.toSeconds(),
                        s.failure() == null ? "" : " (" + s.failure() + ")");
                return false;
            }
            if (s.failure() != null) {
                throw new IllegalStateException(what + ": " + s.failure());
            }
            Thread.sleep(20);
        }
        return true;
    }

    private void report(int total, long sendMillis, long sendStart, long sendEnd, long lastArrival, boolean all,
                        int seconds) {
        long[] lags = lagOf.values().stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf("%nDASHBOARD-BENCH sent %d events in %.2f s (%.0f/s asked %d/s)%n", total,
                sendMillis / 1000.0, total * 1000.0 / sendMillis, total / seconds);
        System.out.printf("DASHBOARD-BENCH received %d of %d on the stream (%s); the last %d ms after the last send%n",
                lags.length, total, all ? "all" : "NOT all", lastArrival - sendEnd);
        System.out.printf("DASHBOARD-BENCH lag Kafka CreateTime -> SSE receipt: %s%n", summary(lags));
        // Per 5 s of sending: whether the lag grew while the stream ran (it falls behind) or stayed flat (it kept up).
        Map<Long, List<Long>> windows = new HashMap<>();
        lagOf.forEach((id, lag) -> windows.computeIfAbsent((sentAt.get(id) - sendStart) / 5000, k -> new ArrayList<>())
                .add(lag));
        windows.keySet().stream().sorted().forEach(w -> System.out.printf(
                "DASHBOARD-BENCH   sent in %2d-%2d s: %s%n", w * 5, w * 5 + 5,
                summary(windows.get(w).stream().mapToLong(Long::longValue).sorted().toArray())));
    }

    /** The event log's consumer lag while sending and after: the most, and the last reading while sending. */
    private static void reportGroupLag(List<GroupLag.Reading> readings, long sendingMillis) {
        long most = readings.stream().mapToLong(GroupLag.Reading::lag).max().orElse(-1);
        long atEnd = readings.stream().filter(r -> r.atMillis() <= sendingMillis).mapToLong(GroupLag.Reading::lag)
                .reduce((a, b) -> b).orElse(-1);
        long drained = readings.stream().filter(r -> r.atMillis() > sendingMillis && r.lag() == 0)
                .mapToLong(GroupLag.Reading::atMillis).findFirst().orElse(-1);
        System.out.printf("DASHBOARD-BENCH consumer group %s on %s (committed offsets, every 500 ms): most %d records"
                        + " behind, %d at the end of sending, %s%n", EVENT_LOG_GROUP, Topics.PVE_COMMANDS, most, atEnd,
                drained < 0 ? "not back to 0 while the bench waited" : "0 again " + (drained - sendingMillis)
                        + " ms after the last send");
    }

    private static String summary(long[] sorted) {
        if (sorted.length == 0) {
            return "n=0";
        }
        return String.format("n=%d p50=%d ms p90=%d ms p99=%d ms max=%d ms", sorted.length, pct(sorted, 50),
                pct(sorted, 90), pct(sorted, 99), sorted[sorted.length - 1]);
    }

    private static long pct(long[] sorted, double p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static KafkaProducer<String, byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    /** VmRSS, VmHWM and threads of a process, from /proc/<pid>/status. */
    private record ProcStatus(long rssKib, long hwmKib, int threads) {

        static ProcStatus of(long pid) throws IOException {
            long rss = -1;
            long hwm = -1;
            int threads = -1;
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.replaceAll("[^0-9]", ""));
                } else if (line.startsWith("VmHWM:")) {
                    hwm = Long.parseLong(line.replaceAll("[^0-9]", ""));
                } else if (line.startsWith("Threads:")) {
                    threads = Integer.parseInt(line.replaceAll("[^0-9]", ""));
                }
            }
            return new ProcStatus(rss, hwm, threads);
        }

        @Override
        public String toString() {
            return String.format("VmRSS %.1f MiB, VmHWM %.1f MiB, %d threads", rssKib / 1024.0, hwmKib / 1024.0,
                    threads);
        }
    }

    private static String loadAverage() {
        try {
            return String.join(" ", Arrays.asList(Files.readString(Path.of("/proc/loadavg")).split(" ")).subList(0, 3));
        } catch (IOException e) {
            return "?";
        }
    }

    private static Map<String, String> args(String[] args) {
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value pairs, got " + String.join(" ", args));
            }
            out.put(args[i].substring(2), args[++i]);
        }
        return out;
    }

    private static int positive(Map<String, String> a, String name, int fallback) {
        int v = Integer.parseInt(a.getOrDefault(name, Integer.toString(fallback)));
        if (v <= 0) {
            throw new IllegalArgumentException("--" + name + " must be positive, got " + v);
        }
        return v;
    }
}
