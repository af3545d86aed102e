package dev.fleetplane.bench.console;

import dev.fleetplane.bench.ServiceProcesses;
import dev.fleetplane.localstack.LocalStack;
import dev.fleetplane.localstack.LocalStackOptions;
import dev.fleetplane.proxmox.client.PveConnection;
import dev.fleetplane.proxmox.client.PveTls;
import dev.fleetplane.pvesim.PveSimulator;
import dev.fleetplane.pvesim.SeedVm;
import java.io.IOException;


import java.net.http.HttpClient;


import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Console benchmark (issue #13): the keystroke round trip through the packaged console-gateway (its own JVM, pve-api
 * backend, real Kafka and PostgreSQL for its audit) against the same typing straight to the PVE simulator's
 * termproxy, interleaved in blocks within one run; then one console shared by many viewers (one writer, the rest
 * read-only): per-viewer and all-viewers echo latency, and the gateway's RSS and threads. Prints figures, asserts
 * nothing.
 *
 * <pre>bench/console-bench.sh [--keystrokes 1000] [--blocks 10] [--viewers 50] [--warmup 100] [--line 20]</pre>
 */
public final class ConsoleBench {

    private static final String NODE = "pve";
    private static final String USER = "console@pve";
    private static final String GW_HOST = "bench-gw";
    private static final int GW_VM = 201;
    private static final String DIRECT_HOST = "bench-direct";
    private static final int DIRECT_VM = 202;
    private static final String SHARED_HOST = "bench-shared";
    private static final int SHARED_VM = 203;
    /** As `fleetplane up` starts every service (fleetctl's ServiceProcess). */
    private static final List<String> GATEWAY_JVM = List.of("-Xms32m", "-Xmx256m", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1", "-Xshare:auto");

    private ConsoleBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = args(args);
        Path root = Path.of(a.getOrDefault("root", ".")).toAbsolutePath().normalize();
        int keystrokes = positive(a, "keystrokes", 1000);
        int blocks = positive(a, "blocks", 10);
        int viewers = positive(a, "viewers", 50);
        int warmup = Integer.parseInt(a.getOrDefault("warmup", "100"));
        int line = positive(a, "line", 20);
        if (keystrokes % blocks != 0) {
            throw new IllegalArgumentException("--keystrokes " + keystrokes + " is not a multiple of --blocks " + blocks);
        }
        Path jar = root.resolve("console-gateway/target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build it with"
                    + " `mvn -B -o -pl console-gateway -am package -DskipTests` (bench/console-bench.sh does)");
        }
        header(keystrokes, blocks, viewers, warmup, line);

        String password = token();
        String writerToken = token();
        String readerToken = token();
        Path dir = Files.createTempDirectory("fleetplane-console-bench-");
        Path operators = dir.resolve("operators");
        Files.writeString(operators, "# the bench's operators: name access hosts sha256(token)\n"
                + "bench-writer write * " + sha256(writerToken) + "\n"
                + "bench-reader read * " + sha256(readerToken) + "\n");
        Path log = dir.resolve("console-gateway.log");
        Process gateway = null;
        boolean keepLog = true;
        try (LocalStack stack = LocalStack.start(LocalStackOptions.defaults());
             PveSimulator sim = PveSimulator.builder().node(NODE).https(true).user(USER, password)
                     .taskDuration(Duration.ZERO)
                     .seed(SeedVm.vm(GW_VM, GW_HOST).running(), SeedVm.vm(DIRECT_VM, DIRECT_HOST).running(),
                             SeedVm.vm(SHARED_VM, SHARED_HOST).running())
                     .build().start()) {
            int port = ServiceProcesses.freePort();
            ProcessBuilder pb = ServiceProcesses.service(jar, GATEWAY_JVM, stack, port, log);
            Map<String, String> env = pb.environment();
            env.put("PVE_URL", sim.url());
            env.put("PVE_FINGERPRINT", sim.fingerprint());
            env.put("PVE_CONSOLE_USERNAME", USER);
            env.put("PVE_CONSOLE_PASSWORD", password);
            env.put("FLEETPLANE_CONSOLE_OPERATORS_FILE", operators.toString());
            env.put("FLEETPLANE_PARENT_PID", Long.toString(ProcessHandle.current().pid()));
            long t0 = System.nanoTime();
            gateway = pb.start();
            ServiceProcesses.awaitReady("console-gateway", gateway, port, log);
            System.out.printf("console-gateway ready in %d ms (pid %d, %s; log %s)%n",
                    (System.nanoTime() - t0) / 1_000_000, gateway.pid(), String.join(" ", GATEWAY_JVM), log);
            ProcStatus started = ProcStatus.of(gateway.pid());

            HttpClient ws = HttpClient.newHttpClient();
            HttpClient https = HttpClient.newBuilder().sslContext(PveTls.of(PveConnection
                    .withPassword(sim.url(), USER, password).fingerprint(sim.fingerprint())).sslContext()).build();

            roundTrip(ws, https, sim.url(), port, writerToken, password, keystrokes, blocks, warmup, line);

            ProcStatus before = ProcStatus.of(gateway.pid());
            viewers(ws, port, writerToken, readerToken, viewers, keystrokes, warmup, line, gateway.pid(), started,
                    before);
            System.out.printf("CONSOLE-BENCH load average at the end %s%n", loadAverage());
            keepLog = false;
        } finally {
            ServiceProcesses.stop(gateway);
            if (keepLog) {
                System.out.println("gateway log kept for inspection: " + log);
            } else {
                Files.deleteIfExists(log);
                Files.deleteIfExists(operators);
                Files.deleteIfExists(dir);
            }
        }
    }

    private static void header(int keystrokes, int blocks, int viewers, int warmup, int line) throws IOException {
        System.out.printf("CONSOLE-BENCH machine: nproc=%d, java %s (%s), %s %s, load average %s%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                System.getProperty("java.vm.name"), System.getProperty("os.name"), System.getProperty("os.arch"),
                loadAverage());
        System.out.println("CONSOLE-BENCH the figures are one run's, on loopback, client, gateway and simulator on the"
                + " same cores; other work on the machine moves them (the blocks interleave gateway and direct so that"
                + " noise hits both alike)");
        System.out.printf("console bench: %d keystrokes each way in %d interleaved blocks after %d untimed warm-up"
                        + " keystrokes each; %d viewers; the line is erased (DEL) every %d characters%n",
                keystrokes, blocks, warmup, viewers, line);
    }

    /** 2: the same typing through the gateway and straight to termproxy, block by block. */
    private static void roundTrip(HttpClient ws, HttpClient https, String apiUrl, int port, String writerToken,
                                  String password, int keystrokes, int blocks, int warmup, int line)
            throws Exception {
        try (GatewayClient gw = GatewayClient.join(ws, port, GW_HOST, writerToken, "gateway");
             DirectClient direct = DirectClient.open(https, apiUrl, NODE, DIRECT_VM, USER, password)) {
            gw.awaitControl("lock", n -> n.path("you").asText().equals("writer"));
            logIn(gw, GW_HOST);
            logIn(direct, DIRECT_HOST);
            Typist viaGateway = new Typist(gw, List.of(gw.screen()), line);
            Typist straight = new Typist(direct, List.of(direct.screen()), line);
            for (int i = 0; i < warmup; i++) {
                viaGateway.keystroke();
                straight.keystroke();
            }
            Latencies g = new Latencies();
            Latencies d = new Latencies();
            int perBlock = keystrokes / blocks;
            for (int b = 0; b < blocks; b++) {
                boolean gatewayFirst = b % 2 == 0; // alternate which goes first, too
                block(gatewayFirst ? viaGateway : straight, gatewayFirst ? g : d, perBlock);
                block(gatewayFirst ? straight : viaGateway, gatewayFirst ? d : g, perBlock);
            }
            System.out.printf("%nCONSOLE-BENCH round-trip gateway %s%n", g.summary());
            System.out.printf("CONSOLE-BENCH round-trip direct  %s%n", d.summary());
            System.out.printf("CONSOLE-BENCH round-trip ratio gateway/direct p50=%.2f p99=%.2f%n",
                    g.percentileMillis(50) / d.percentileMillis(50), g.percentileMillis(99) / d.percentileMillis(99));
        }
    }

    private static void block(Typist typist, Latencies into, int keystrokes) throws InterruptedException {
        for (int i = 0; i < keystrokes; i++) {
            into.add(typist.keystroke()[0]);
        }
    }

    /** 3: one writer and {@code viewers - 1} read-only viewers on one console. */
    private static void viewers(HttpClient ws, int port, String writerToken, String readerToken, int viewers,
                                int keystrokes, int warmup, int line, long pid, ProcStatus started,
                                ProcStatus before) throws Exception {
        List<GatewayClient> clients = new ArrayList<>();
        try {
            GatewayClient writer = GatewayClient.join(ws, port, SHARED_HOST, writerToken, "writer");
            clients.add(writer);
            writer.awaitControl("lock", n -> n.path("you").asText().equals("writer"));
            logIn(writer, SHARED_HOST);
            long t0 = System.nanoTime();
            for (int i = 1; i < viewers; i++) {
                GatewayClient reader = GatewayClient.join(ws, port, SHARED_HOST, readerToken, "reader-" + i);
                clients.add(reader);
                int replay = reader.awaitControl("replay", n -> true).path("bytes").asInt();
                reader.screen().awaitSizeAndSkip(replay, Typist.TIMEOUT); // the scrollback; live echoes follow
            }
            writer.awaitControl("lock", n -> n.path("viewers").asInt() == viewers);
            long joinMillis = (System.nanoTime() - t0) / 1_000_000;
            ProcStatus attached = ProcStatus.of(pid);
            List<Screen> screens = clients.stream().map(GatewayClient::screen).toList();
            Typist typist = new Typist(writer, screens, line);
            for (int i = 0; i < warmup; i++) {
                typist.keystroke();
            }
            Latencies perViewer = new Latencies();
            Latencies all = new Latencies();
            Latencies writersOwn = new Latencies();
            for (int k = 0; k < keystrokes; k++) {
                long[] l = typist.keystroke();
                long slowest = 0;
                for (long v : l) {
                    perViewer.add(v);
                    slowest = Math.max(slowest, v);
                }
                all.add(slowest);
                writersOwn.add(l[0]);
            }
            ProcStatus typed = ProcStatus.of(pid);
            System.out.printf("%nCONSOLE-BENCH viewers=%d (1 writer + %d read-only) joined in %d ms%n", viewers,
                    viewers - 1, joinMillis);
            System.out.printf("CONSOLE-BENCH viewers per-viewer echo  %s%n", perViewer.summary());
            System.out.printf("CONSOLE-BENCH viewers all-viewers echo %s%n", all.summary());
            System.out.printf("CONSOLE-BENCH viewers writer's own echo %s%n", writersOwn.summary());
            System.out.printf("CONSOLE-BENCH gateway started, idle       %s%n", started);
            System.out.printf("CONSOLE-BENCH gateway before the viewers  %s (after the round-trip phase)%n", before);
            System.out.printf("CONSOLE-BENCH gateway %d viewers attached %s%n", viewers, attached);
            System.out.printf("CONSOLE-BENCH gateway after the typing    %s%n", typed);
        } finally {
            for (GatewayClient c : clients) {
                c.close();
            }
        }
    }

    private static void logIn(Keyboard k, String host) throws InterruptedException {
        k.type("\r".getBytes(StandardCharsets.US_ASCII));
        k.screen().awaitText(host + " login: ", Typist.TIMEOUT);
        k.type("root\r".getBytes(StandardCharsets.US_ASCII));
        k.screen().awaitText("Password: ", Typist.TIMEOUT);
        k.type("bench\r".getBytes(StandardCharsets.US_ASCII));
        k.screen().awaitText("[root@" + host + ":~]# ", Typist.TIMEOUT);
    }

    /** VmRSS, VmHWM and Threads of a process, from {@code /proc/<pid>/status}. */
    private record ProcStatus(long rssKib, long hwmKib, int threads) {
        static ProcStatus of(long pid) throws IOException {
            long rss = -1;
            long hwm = -1;
            int threads = -1;
            for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                String[] f = l.split("\\s+");
                switch (f[0]) {
                    case "VmRSS:" -> rss = Long.parseLong(f[1]);
                    case "VmHWM:" -> hwm = Long.parseLong(f[1]);
                    case "Threads:" -> threads = Integer.parseInt(f[1]);
                    default -> {
                    }
                }
            }
            return new ProcStatus(rss, hwm, threads);
        }

        @Override
        public String toString() {
            return String.format("VmRSS=%.1f MiB VmHWM=%.1f MiB threads=%d", rssKib / 1024.0, hwmKib / 1024.0,
                    threads);
        }
    }


    private static String loadAverage() throws IOException {
        String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return f[0] + " " + f[1] + " " + f[2];
    }

    private static String token() {
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static String sha256(String token) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(token.getBytes(StandardCharsets.UTF_8)));
    }



    private static int positive(Map<String, String> a, String name, int fallback) {
        int v = Integer.parseInt(a.getOrDefault(name, Integer.toString(fallback)));
        if (v <= 0) {
            throw new IllegalArgumentException("--" + name + " must be positive, got " + v);
        }
        return v;
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
