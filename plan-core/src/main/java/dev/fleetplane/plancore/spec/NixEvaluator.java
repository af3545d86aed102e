package dev.fleetplane.plancore.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetplane.events.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Evaluates a hosts file with {@code nix-instantiate --eval --strict --json}: either source text alone (written as
 * {@code hosts.nix} into a scratch directory, which is then its root) or a hosts file on disk with the files
 * under a root directory (its own directory by default, or e.g. a flake's top directory), which it may
 * {@code import}, {@code builtins.readFile} and {@code builtins.pathExists}.
 *
 * <p>Limits, whatever the file says: restricted evaluation with only the root allowed (Nix 2.8 refuses any other
 * path, also through a symlink, and every URI: {@code allowed-uris} stays empty), no {@code builtins.exec}
 * ({@code allow-unsafe-native-code-during-evaluation} off), an empty {@code NIX_PATH}, a time limit (the process is
 * killed: Nix ignores SIGTERM while it evaluates), and a memory limit. The memory limit is the address-space
 * rlimit ({@code prlimit --as}, util-linux), not Boehm's {@code GC_MAXIMUM_HEAP_SIZE}: both stop
 * {@code builtins.genList (i: i) 100000000} at once with "out of memory" (measured with Nix 2.8), but the rlimit also
 * bounds what Nix allocates outside the garbage-collected heap, and it does not depend on how Nix was built. Nix
 * reserves a 384 MiB heap up front, so the limit must stay well above that; a real hosts file needs about 25 MB.
 */
public class NixEvaluator {

    /** The default memory limit: the evaluator's whole address space. */
    public static final long DEFAULT_MEMORY_LIMIT_BYTES = 1024L * 1024 * 1024;

    /**
     * The default bound of the evaluated JSON: a small file can evaluate to a huge value
     * ({@code builtins.concatStringsSep "" (builtins.genList (i: "xxxxxxxxxx") 10000000)}), and reading it unbounded
     * once took the planner's heap.
     */
    public static final long DEFAULT_MAX_OUTPUT_BYTES = 16L * 1024 * 1024;

    /** What is kept of Nix's error output (the rest is read and dropped, so the process never blocks on it). */
    private static final int MAX_ERROR_BYTES = 256 * 1024;

    /** Lines of a Nix error kept (a --show-trace of deep imports can be long). */
    private static final int MAX_ERROR_LINES = 40;

    private final String command;
    private final Duration timeout;
    private final long memoryLimitBytes;
    private final long maxOutputBytes;

    public NixEvaluator(String command, Duration timeout) {
        this(command, timeout, DEFAULT_MEMORY_LIMIT_BYTES);
    }

    public NixEvaluator(String command, Duration timeout, long memoryLimitBytes) {
        this(command, timeout, memoryLimitBytes, DEFAULT_MAX_OUTPUT_BYTES);
    }

    /**
     * @param maxOutputBytes the largest evaluated JSON accepted; past it the evaluation is stopped and the source
     *                       refused (a spec sent as JSON has the same bound)
     */
    public NixEvaluator(String command, Duration timeout, long memoryLimitBytes, long maxOutputBytes) {
        this.command = command;
        this.timeout = timeout;
        this.memoryLimitBytes = memoryLimitBytes;
        this.maxOutputBytes = maxOutputBytes;
    }

    /** Evaluates source text on its own, as {@code hosts.nix} in a directory with nothing else in it. */
    public JsonNode evaluate(String source) throws NixEvaluationException {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("fleetplane-nix-").toRealPath();
            Path file = dir.resolve(NixWrapper.SOURCE_FILE);
            Files.writeString(file, source, StandardCharsets.UTF_8);
            try {
                return run(file, dir, dir);
            } catch (NixEvaluationException e) {
                if (e.kind() == NixEvaluationException.Kind.INVALID_SOURCE
                        && e.getMessage().contains("No such file or directory")) {
                    throw new NixEvaluationException(e.kind(), e.getMessage() + "\n(hosts.nix source sent alone is "
                            + "evaluated alone: files it imports or reads are not there; `fleetplane push FILE` "
                            + "evaluates such a file where its files are and submits the result)");
                }
                throw e;
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot prepare Nix evaluation: " + e.getMessage(), e);
        } finally {
            deleteQuietly(dir);
        }
    }

    /**
     * Evaluates the hosts file {@code hostsFile}, which may read every file under {@code root} and nothing else.
     * Errors name files relative to {@code root}; path values become strings relative to the hosts file's directory.
     */
    public JsonNode evaluateFile(Path hostsFile, Path root) throws NixEvaluationException {
        Path realRoot;
        Path realFile;
        try {
            realRoot = root.toRealPath();
        } catch (NoSuchFileException e) {
            throw new NixEvaluationException(NixEvaluationException.Kind.INVALID_SOURCE,
                    "root directory " + root + " does not exist");
        } catch (IOException e) {
            throw new NixEvaluationException(NixEvaluationException.Kind.INVALID_SOURCE,
                    "cannot read root directory " + root + ": " + e.getMessage());
        }
        try {
            realFile = hostsFile.toRealPath();
        } catch (NoSuchFileException e) {
            throw new NixEvaluationException(NixEvaluationException.Kind.INVALID_SOURCE,
                    "hosts file " + hostsFile + " does not exist");
        } catch (IOException e) {
            throw new NixEvaluationException(NixEvaluationException.Kind.INVALID_SOURCE,
                    "cannot read hosts file " + hostsFile + ": " + e.getMessage());
        }
        if (!Files.isDirectory(realRoot)) {
            throw new NixEvaluationException(NixEvaluationException.Kind.INVALID_SOURCE,
                    "root " + root + " is not a directory");
        }
        if (!realFile.startsWith(realRoot) || !Files.isRegularFile(realFile)) {
            throw new NixEvaluationException(NixEvaluationException.Kind.INVALID_SOURCE, "hosts file " + hostsFile
                    + (Files.isRegularFile(realFile) ? " is not under the root " + root : " is not a regular file"));
        }
        Path home = null;
        try {
            home = Files.createTempDirectory("fleetplane-nix-").toRealPath();
            return run(realFile, realRoot, home);
        } catch (IOException e) {
            throw new IllegalStateException("cannot prepare Nix evaluation: " + e.getMessage(), e);
        } finally {
            deleteQuietly(home);
        }
    }

    private JsonNode run(Path file, Path root, Path scratch) throws NixEvaluationException, IOException {
        List<String> argv = new ArrayList<>(List.of("prlimit", "--as=" + memoryLimitBytes, "--",
                command, "--readonly-mode",
                "--option", "restrict-eval", "true",
                "--option", "allowed-uris", "",
                "--option", "allow-unsafe-native-code-during-evaluation", "false",
                "--option", "build-users-group", "",
                "-I", root.toString(),
                "--eval", "--strict", "--json", "--show-trace",
                "--argstr", "hostsFile", file.toString(),
                "--argstr", "hostsDir", file.getParent().toString(),
                "--argstr", "root", root.toString(),
                "-E", NixWrapper.expression()));
        ProcessBuilder pb = new ProcessBuilder(argv).directory(scratch.toFile());
        Map<String, String> env = pb.environment();
        env.put("NIX_PATH", "");
        env.put("HOME", scratch.toString());
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new NixEvaluationException(NixEvaluationException.Kind.NIX_MISSING,
                    "cannot run '" + command + "' under prlimit (" + e.getMessage() + "): install Nix to submit "
                            + "hosts.nix source (Debian: apt-get install -y nix-bin; prlimit is in util-linux) "
                            + "or submit the evaluated JSON instead");
        }
        p.getOutputStream().close();
        // Both streams are read on their own threads and bounded: too much JSON stops the process at once.
        CompletableFuture<Bounded> out = CompletableFuture.supplyAsync(() -> Bounded.read(p.getInputStream(),
                maxOutputBytes, () -> {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                }));
        CompletableFuture<Bounded> err = CompletableFuture.supplyAsync(() -> Bounded.read(p.getErrorStream(),
                MAX_ERROR_BYTES, () -> { }));
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                throw new NixEvaluationException(NixEvaluationException.Kind.TIMEOUT,
                        "evaluating " + root.relativize(file) + " took longer than " + seconds(timeout) + "; stopped");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new NixEvaluationException(NixEvaluationException.Kind.TIMEOUT, "evaluation interrupted");
        }
        Bounded json = out.join();
        if (json.overflowed()) {
            throw new NixEvaluationException(NixEvaluationException.Kind.INVALID_SOURCE, "evaluating "
                    + root.relativize(file) + " gave more than " + sizeOf(maxOutputBytes) + " of JSON; stopped "
                    + "(a spec is at most that large)");
        }
        String stderr = new String(err.join().bytes(), StandardCharsets.UTF_8);
        if ((p.exitValue() == 126 || p.exitValue() == 127) && stderr.startsWith("prlimit: failed to execute")) {
            throw new NixEvaluationException(NixEvaluationException.Kind.NIX_MISSING, "cannot run '" + command
                    + "' (" + stderr.strip() + "): install Nix to submit hosts.nix source (Debian: apt-get install -y "
                    + "nix-bin) or submit the evaluated JSON instead");
        }
        if (p.exitValue() != 0) {
            String msg = NixWrapper.cleanError(stderr, root.toString(), scratch.toString(), MAX_ERROR_LINES);
            if (msg.contains("error: out of memory")) {
                msg = "evaluating " + root.relativize(file) + " needed more than " + memoryLimitBytes / (1024 * 1024)
                        + " MiB of memory; stopped (" + msg + ")";
            } else if (msg.contains("is forbidden in restricted mode")) {
                msg = msg + "\n(fleetplane evaluates hosts files in restricted mode: only files under the root "
                        + "directory may be read, no absolute paths outside it, no URLs)";
            }
            throw new NixEvaluationException(NixEvaluationException.Kind.INVALID_SOURCE,
                    msg.isEmpty() ? "nix-instantiate exited " + p.exitValue() : msg);
        }
        try {
            return Json.MAPPER.readTree(json.bytes());
        } catch (JsonProcessingException e) {
            throw new NixEvaluationException(NixEvaluationException.Kind.INVALID_SOURCE,
                    "nix-instantiate printed no JSON: " + e.getOriginalMessage());
        }
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private static String sizeOf(long bytes) {
        return bytes % (1024 * 1024) == 0 ? bytes / (1024 * 1024) + " MiB" : bytes + " bytes";
    }

    /** What was read of a stream, at most a bound; {@code overflowed} when the stream had more. */
    record Bounded(byte[] bytes, boolean overflowed) {

        /** Reads up to {@code max} bytes; past it runs {@code onOverflow} once and drains the rest unkept. */
        static Bounded read(InputStream in, long max, Runnable onOverflow) {
            ByteArrayOutputStream kept = new ByteArrayOutputStream();
            boolean overflowed = false;
            byte[] buffer = new byte[64 * 1024];
            try (in) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (overflowed) {
                        continue;
                    }
                    long room = max - kept.size();
                    if (n > room) {
                        kept.write(buffer, 0, (int) Math.max(0, room));
                        overflowed = true;
                        onOverflow.run();
                    } else {
                        kept.write(buffer, 0, n);
                    }
                }
            } catch (IOException e) {
                // the process was stopped or closed its end: what was read is what there is
            }
            return new Bounded(kept.toByteArray(), overflowed);
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a leftover scratch directory is harmless; the next evaluation uses a new one
        }
    }
}
