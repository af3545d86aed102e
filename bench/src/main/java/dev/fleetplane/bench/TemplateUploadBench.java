package dev.fleetplane.bench;

import dev.fleetplane.proxmox.client.BenchPveAccess;
import dev.fleetplane.proxmox.client.ProxmoxClient;
import dev.fleetplane.proxmox.client.PveConnection;
import dev.fleetplane.proxmox.client.PveReadOnlyClient;
import dev.fleetplane.proxmox.client.TaskStatus;
import dev.fleetplane.proxmox.client.Upid;
import dev.fleetplane.proxmox.client.UploadRequest;
import dev.fleetplane.pvesim.NodeSsh;
import dev.fleetplane.pvesim.PveSimulator;
import dev.fleetplane.pvesim.nodessh.NodeSshEndpoint;
import dev.fleetplane.templates.node.NodeSftp;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Upload-throughput benchmark of the template builder's two routes (issue #12), on loopback, in one run: a file of
 * {@code --mib} MiB of seeded pseudo-random bytes (incompressible) is read by {@code cat} to {@code /dev/null} (the
 * baseline), copied by OpenSSH's {@code scp} into the simulated node's dump directory, uploaded by the template
 * builder's {@link NodeSftp#upload} (route sftp, SSHJ) to the same sshd, and posted by proxmox-client's
 * {@link ProxmoxClient#upload} (route api, what the adapter's UploadImage handler calls: multipart, content
 * {@code import}, the sha256 the build computed) to the simulator's HTTPS API with its fingerprint pinned, after which
 * the {@code imgcopy} task is followed until it ends; then once more over the simulator's plain-HTTP listener, to show
 * what TLS costs. Prints MiB/s and ratios to {@code cat} and {@code scp}; medians of
 * {@code --runs}; asserts nothing.
 *
 * <pre>bench/upload-bench.sh [--mib 1024] [--runs 1] [--checksum true]</pre>
 */
public final class TemplateUploadBench {

    private static final String TOKEN_ID = "fleetplane@pve!upload-bench";
    private static final String NODE = "pve";
    private static final String STORAGE = "local";
    private static final long SEED = 12;
    private static final Duration TASK_LIMIT = Duration.ofMinutes(10);
    private static final List<String> OPTIONS = List.of("mib", "runs", "checksum");
    private static final Duration TASK_POLL = Duration.ofMillis(20);

    private final Path work;
    private final Path image;
    private final long bytes;
    private final String sha256; // null: upload without a checksum
    private Path key;
    private Path knownHosts;

    private TemplateUploadBench(Path work, Path image, long bytes, String sha256) {
        this.work = work;
        this.image = image;
        this.bytes = bytes;
        this.sha256 = sha256;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = args(args);
        int mib = positive(a, "mib", 1024);
        int runs = positive(a, "runs", 1);
        String sum = a.getOrDefault("checksum", "true");
        if (!sum.equals("true") && !sum.equals("false")) {
            throw new IllegalArgumentException("--checksum must be true or false, got '" + sum + "'");
        }
        boolean checksum = sum.equals("true");
        Path work = Files.createTempDirectory("fleetplane-upload-bench-");
        // Ctrl-C: the simulator stops its sshd and deletes its work directory in its own hook; this one removes ours.
        Thread hook = new Thread(() -> deleteTree(work), "upload-bench-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            System.out.printf("upload bench: %d MiB, %d run(s), checksum %s, %d cores, %s%n", mib, runs,
                    checksum ? "sha256" : "none", Runtime.getRuntime().availableProcessors(), load());
            Path image = work.resolve("nixos-bench.raw");
            writeRandom(image, mib);
            String sha = checksum ? sha256(image) : null;
            new TemplateUploadBench(work, image, (long) mib << 20, sha).run(runs);
        } finally {
            deleteTree(work);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or has run
            }
        }
    }

    private void run(int runs) throws Exception {
        key = sshKey();
        String secret = UUID.randomUUID().toString();
        // imgcopy as a task of its own (1 ms wait): with no duration the simulator runs a task's work before it answers,
        // so the UPID would only come after the checksum and the move; a real node forks the worker and answers at once.
        try (PveSimulator sim = PveSimulator.builder().https(true).apiToken(TOKEN_ID, secret)
                .taskDuration("imgcopy", Duration.ofMillis(1))
                .nodeSsh(NodeSsh.fromFile(Path.of(key + ".pub"))).build().start()) {
            NodeSshEndpoint ssh = sim.nodeSsh(NODE).orElseThrow();
            knownHosts = pinnedKnownHosts(ssh);
            NodeSftp.Target target = new NodeSftp.Target(ssh.host(), ssh.port(), ssh.user(), key,
                    ssh.hostKeyFingerprint(), ssh.dumpDir().toString(), Duration.ofSeconds(10));
            PveConnection connection = PveConnection.of(sim.url(), TOKEN_ID, secret).fingerprint(sim.fingerprint())
                    .timeouts(Duration.ofSeconds(10), Duration.ofMinutes(10));
            ProxmoxClient pve = BenchPveAccess.uploadOnly(connection); // not closed: its REST half was never built
            // the same call over the simulator's plain-HTTP listener: what TLS costs on this route
            PveConnection plainConnection = PveConnection.of(sim.plainUrl(), TOKEN_ID, secret)
                    .timeouts(Duration.ofSeconds(10), Duration.ofMinutes(10));
            ProxmoxClient plain = BenchPveAccess.uploadOnly(plainConnection);
            Map<String, List<Long>> nanos = new LinkedHashMap<>();
            for (String route : List.of("cat", "scp", "sftp", "api-stream", "api-task", "http-stream", "http-task")) {
                nanos.put(route, new ArrayList<>());
            }
            for (int r = 1; r <= runs; r++) {
                nanos.get("cat").add(timeCat());
                nanos.get("scp").add(timeScp(ssh, r));
                nanos.get("sftp").add(timeSftp(target, ssh, r));
                long[] api = timeApi(pve, connection, "bench-" + r + ".raw");
                nanos.get("api-stream").add(api[0]);
                nanos.get("api-task").add(api[1]);
                long[] http = timeApi(plain, plainConnection, "bench-http-" + r + ".raw");
                nanos.get("http-stream").add(http[0]);
                nanos.get("http-task").add(http[1]);
                System.out.printf("run %d done: %s%n", r, load());
            }
            print(nanos, runs);
        }
    }

    /** The baseline: reading the file once, as {@code cat FILE > /dev/null}. */
    private long timeCat() throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        exec("cat", List.of("bash", "-c", "cat \"$1\" > /dev/null", "cat", image.toString()));
        return System.nanoTime() - t0;
    }

    /** OpenSSH's scp with the same key, the node's host key pinned by a known_hosts line, into the dump directory. */
    private long timeScp(NodeSshEndpoint ssh, int run) throws IOException, InterruptedException {
        String name = "vzdump-qemu-9" + run + "-scp.vma";
        Path landed = ssh.dumpDir().resolve(name);
        long t0 = System.nanoTime();
        exec("scp", List.of("scp", "-q", "-B", "-i", key.toString(), "-P", Integer.toString(ssh.port()),
                "-o", "IdentitiesOnly=yes", "-o", "StrictHostKeyChecking=yes",
                "-o", "UserKnownHostsFile=" + knownHosts, "-o", "GlobalKnownHostsFile=/dev/null",
                image.toString(), ssh.user() + "@" + ssh.host() + ":" + landed));
        long took = System.nanoTime() - t0;
        landed(landed, "scp");
        return took;
    }

    /** Route sftp: the template builder's own upload (temporary name, size check, rename). */
    private long timeSftp(NodeSftp.Target target, NodeSshEndpoint ssh, int run) throws IOException {
        String name = "vzdump-qemu-9" + run + "-sftp.vma";
        long t0 = System.nanoTime();
        NodeSftp.upload(target, image, name, sent -> { });
        long took = System.nanoTime() - t0;
        landed(ssh.dumpDir().resolve(name), "NodeSftp");
        return took;
    }

    /**
     * Route api: the multipart POST until Proxmox answers with the task id, then the {@code imgcopy} task (checksum,
     * move into the storage) followed until it stops. Returns {stream, stream + task}.
     */
    private long[] timeApi(ProxmoxClient pve, PveConnection connection, String name) throws InterruptedException {
        UploadRequest request = new UploadRequest("import", image, name,
                sha256 == null ? null : "sha256", sha256);
        long t0 = System.nanoTime();
        Upid upid = pve.upload(NODE, STORAGE, request);
        long streamed = System.nanoTime() - t0;
        long deadline = System.nanoTime() + TASK_LIMIT.toNanos();
        PveReadOnlyClient reader = PveReadOnlyClient.connect(connection);
        TaskStatus status = reader.taskStatus(upid);
        while (status.running()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(upid + " still running after " + TASK_LIMIT);
            }
            Thread.sleep(TASK_POLL.toMillis()); // polling, as the adapter does (it waits longer between polls)
            status = reader.taskStatus(upid);
        }
        long done = System.nanoTime() - t0;
        if (!status.succeeded()) {
            throw new IllegalStateException("imgcopy " + upid + " ended with '" + status.exitStatus() + "'");
        }
        return new long[]{streamed, done};
    }

    /** A copy counts only when all of it arrived; it is removed at once so the runs do not fill the disk. */
    private void landed(Path file, String tool) throws IOException {
        long size = Files.size(file);
        if (size != bytes) {
            throw new IllegalStateException(tool + " left " + size + " bytes in " + file + ", expected " + bytes);
        }
        Files.delete(file);
    }

    private void print(Map<String, List<Long>> nanos, int runs) {
        double mib = bytes / (double) (1 << 20);
        double cat = mib / seconds(median(nanos.get("cat")));
        double scp = mib / seconds(median(nanos.get("scp")));
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("cat", "cat FILE > /dev/null (baseline)");
        labels.put("scp", "scp (OpenSSH) to the node sshd");
        labels.put("sftp", "sftp route: NodeSftp.upload (SSHJ)");
        labels.put("api-stream", "api route: upload() until the UPID");
        labels.put("api-task", "api route: upload() + imgcopy task");
        labels.put("http-stream", "api route, plain http: until the UPID");
        labels.put("http-task", "api route, plain http: + imgcopy");
        System.out.printf("%nTEMPLATE-UPLOAD-BENCH %.0f MiB, %s of %d run(s), %s%n", mib, runs == 1 ? "one" : "median",
                runs, load());
        System.out.printf("TEMPLATE-UPLOAD-BENCH %-38s %9s %9s %7s %7s%n", "what", "seconds", "MiB/s", "x cat",
                "x scp");
        labels.forEach((route, label) -> {
            double s = seconds(median(nanos.get(route)));
            double rate = mib / s;
            System.out.printf("TEMPLATE-UPLOAD-BENCH %-38s %9.2f %9.1f %7.3f %7.2f%n", label, s, rate, rate / cat,
                    rate / scp);
        });
    }

    /** {@code mib} MiB from a seeded PRNG: the same bytes every run, and nothing a compressor could shrink. */
    private static void writeRandom(Path file, int mib) throws IOException {
        SplittableRandom random = new SplittableRandom(SEED);
        ByteBuffer block = ByteBuffer.allocate(1 << 20);
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < mib; i++) {
                block.clear();
                while (block.hasRemaining()) {
                    block.putLong(random.nextLong());
                }
                out.write(block.array());
            }
        }
    }

    /** The digest the template builder's check computes and UploadImage carries; not timed. */
    private static String sha256(Path file) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (InputStream in = Files.newInputStream(file)) {
                byte[] buffer = new byte[1 << 20];
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    md.update(buffer, 0, n);
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fresh ed25519 key for this run only; the simulator's node sshd accepts its public half. */
    private Path sshKey() throws IOException, InterruptedException {
        Path file = work.resolve("id_ed25519");
        exec("ssh-keygen", List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "upload-bench",
                "-f", file.toString()));
        return file;
    }

    /**
     * The known_hosts line scp trusts: the node's ed25519 host key as {@code ssh-keyscan} reads it, kept only if its
     * fingerprint is the one the simulator reports (the same pin NodeSftp uses), so scp checks the key strictly.
     */
    private Path pinnedKnownHosts(NodeSshEndpoint ssh) throws IOException, InterruptedException {
        String scanned = exec("ssh-keyscan", List.of("ssh-keyscan", "-T", "10", "-p", Integer.toString(ssh.port()),
                ssh.host()));
        for (String line : scanned.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).toList()) {
            Path candidate = work.resolve("known_hosts");
            Files.writeString(candidate, line + "\n");
            String fingerprint = exec("ssh-keygen", List.of("ssh-keygen", "-l", "-E", "sha256", "-f",
                    candidate.toString()));
            if (fingerprint.contains(ssh.hostKeyFingerprint() + " ")) {
                return candidate;
            }
        }
        throw new IllegalStateException("ssh-keyscan found no host key of " + ssh.host() + ":" + ssh.port()
                + " with the fingerprint " + ssh.hostKeyFingerprint());
    }

    /** Runs a tool to its end; its output (stdout and stderr) is returned, or named in the failure. */
    private static String exec(String what, List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        if (rc != 0) {
            throw new IllegalStateException(what + " exited with " + rc + ": " + out.strip());
        }
        return out;
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip().replaceAll("^(\\S+ \\S+ \\S+).*",
                    "load average $1");
        } catch (IOException e) {
            return "load average unknown";
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

    private static int positive(Map<String, String> a, String name, int fallback) {
        String v = a.getOrDefault(name, Integer.toString(fallback));
        try {
            int n = Integer.parseInt(v);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException notANumber) {
            // reported below
        }
        throw new IllegalArgumentException("--" + name + " must be a positive whole number, got '" + v + "'");
    }

    private static Map<String, String> args(String[] args) {
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value pairs, got '" + args[i] + "'");
            }
            String name = args[i].substring(2);
            if (!OPTIONS.contains(name)) {
                throw new IllegalArgumentException("unknown option '" + args[i] + "': expected " + OPTIONS);
            }
            out.put(name, args[++i]);
        }
        return out;
    }
}
