package dev.fleetplane.localstack.shared;

import dev.fleetplane.events.Topics;
import dev.fleetplane.localstack.Endpoints;
import dev.fleetplane.localstack.LocalStack;
import dev.fleetplane.localstack.LocalStackException;
import dev.fleetplane.localstack.kafka.BrokerClasspath;

import java.io.File;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One local stack for a whole {@code mvn verify}: the first test JVM that needs Kafka and PostgreSQL starts a
 * detached {@link SharedStackMain} owned by the Maven JVM; every later test JVM of that Maven run attaches to it.
 * Each attach resets the stack ({@link StackReset}), so a module's tests start as clean as on a stack of their own,
 * at a fraction of the cost of starting one. The stack stops when Maven exits, however it ends.
 *
 * <p>Under {@value #DIR_PROPERTY} (the root pom points it at {@code <reactor root>/target/shared-local-stack}) each
 * Maven run has a lease directory {@code <maven pid>-<maven start millis>} holding the {@link Lease} and the stack's
 * log; a lock file there lets only one JVM at a time start, reset or take over. Lease directories of Maven runs that
 * are gone are removed by the next attach.
 */
public final class SharedStack {

    /** The directory under which the lease directories live; unset or blank: no shared stack. */
    public static final String DIR_PROPERTY = "fleetplane.shared-stack.dir";
    /** The pid of the process whose exit stops the stack; by default the nearest {@code java} ancestor (Maven). */
    public static final String OWNER_PROPERTY = "fleetplane.shared-stack.owner";
    static final String LOCK_FILE = ".lock";
    static final String LOG_FILE = "stack.log";

    private static final System.Logger LOG = System.getLogger(SharedStack.class.getName());
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration RESET_TIMEOUT = Duration.ofMinutes(2);

    private SharedStack() {
    }

    /** The directory named by {@value #DIR_PROPERTY}, when a shared stack is wanted. */
    public static Optional<Path> configuredDir() {
        String dir = System.getProperty(DIR_PROPERTY);
        return dir == null || dir.isBlank() ? Optional.empty() : Optional.of(Path.of(dir.strip()));
    }

    /** Attaches for the owner named by {@value #OWNER_PROPERTY}, else the Maven JVM this test JVM runs under. */
    public static Endpoints attach(Path root) {
        return attach(root, owner()).endpoints();
    }

    /**
     * Returns the owner's stack, reset to a fresh stack's state, starting it when the owner has none (or its stack
     * died). Holds the lock file throughout, so concurrent JVMs never start two stacks or reset under each other.
     */
    static Lease attach(Path root, ProcessHandle owner) {
        Path leaseDir = root.resolve(owner.pid() + "-" + Processes.startMillis(owner));
        // A FileLock belongs to the process: threads of one JVM are kept apart by the monitor.
        synchronized (SharedStack.class) {
            try {
                Files.createDirectories(root);
                try (FileChannel channel = FileChannel.open(root.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE); FileLock ignored = channel.lock()) {
                    removeStale(root, leaseDir);
                    long started = System.nanoTime();
                    Optional<Lease> running = Lease.read(leaseDir).filter(Lease::serverAlive);
                    if (running.isEmpty()) {
                        Lease lease = start(leaseDir, owner);
                        LOG.log(Level.INFO, "shared local stack started in " + seconds(started) + ": "
                                + lease.endpoints() + " (server pid " + lease.serverPid() + ", " + leaseDir + ")");
                        return lease;
                    }
                    StackReset.reset(running.get(), RESET_TIMEOUT);
                    LOG.log(Level.INFO, "shared local stack attached and reset in " + seconds(started) + ": "
                            + running.get().endpoints() + " (server pid " + running.get().serverPid() + ")");
                    return running.get();
                }
            } catch (IOException e) {
                throw new LocalStackException("shared stack: cannot use " + root + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * The process that owns the shared stack. Failsafe's JVM is Maven's child, at times through a shell, so the
     * nearest ancestor that runs {@code java} is Maven.
     */
    static ProcessHandle owner() {
        String pinned = System.getProperty(OWNER_PROPERTY);
        if (pinned != null && !pinned.isBlank()) {
            return ProcessHandle.of(Long.parseLong(pinned.strip())).orElseThrow(() -> new LocalStackException(
                    "shared stack: owner pid " + pinned + " (" + OWNER_PROPERTY + ") is not running"));
        }
        Optional<ProcessHandle> ancestor = ProcessHandle.current().parent();
        while (ancestor.isPresent()) {
            if (ancestor.get().info().command().map(c -> c.endsWith(File.separator + "java")).orElse(false)) {
                return ancestor.get();
            }
            ancestor = ancestor.get().parent();
        }
        throw new LocalStackException("shared stack: no java ancestor process to own it (is this JVM run by Maven?);"
                + " set " + OWNER_PROPERTY + " or unset " + DIR_PROPERTY);
    }

    private static Lease start(Path leaseDir, ProcessHandle owner) throws IOException {
        Files.createDirectories(leaseDir);
        Files.deleteIfExists(leaseDir.resolve(Lease.FILE));
        Path log = leaseDir.resolve(LOG_FILE);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        String classpath = BrokerClasspath.withClassesOf(LocalStack.class, Topics.class, org.postgresql.Driver.class);
        Process server = new ProcessBuilder(List.of(java.toString(), "-Xmx256m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-cp", classpath, SharedStackMain.class.getName(), leaseDir.toString(),
                String.valueOf(owner.pid())))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectErrorStream(true)
                .start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Lease> lease = Lease.read(leaseDir);
            if (lease.isPresent() && lease.get().serverPid() == server.pid()) {
                return lease.get();
            }
            if (!server.isAlive()) {
                throw new LocalStackException("shared stack: the server exited with " + server.exitValue()
                        + " before it was ready; " + log + " ends with:\n" + tail(log));
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                server.destroy();
                throw new LocalStackException("shared stack: interrupted while waiting for the server", e);
            }
        }
        server.destroy();
        throw new LocalStackException("shared stack: not ready within " + START_TIMEOUT.toSeconds() + " s; " + log
                + " ends with:\n" + tail(log));
    }

    /**
     * Lease directories whose Maven is gone: a server that still runs stops itself once it notices, it is only
     * hurried; the directory goes.
     */
    private static void removeStale(Path root, Path mine) throws IOException {
        List<Path> dirs;
        try (Stream<Path> entries = Files.list(root)) {
            dirs = entries.filter(Files::isDirectory).filter(d -> !d.equals(mine)).toList();
        }
        for (Path dir : dirs) {
            Optional<long[]> owner = parseOwner(dir.getFileName().toString());
            if (owner.isEmpty() || Processes.alive(owner.get()[0], owner.get()[1])) {
                continue;
            }
            Lease.read(dir).filter(Lease::serverAlive)
                    .flatMap(lease -> ProcessHandle.of(lease.serverPid()))
                    .ifPresent(ProcessHandle::destroy);
            deleteTree(dir);
            LOG.log(Level.INFO, "shared local stack: removed the lease of a Maven run that is gone: " + dir);
        }
    }

    static Optional<long[]> parseOwner(String name) {
        int dash = name.indexOf('-');
        try {
            return dash < 0 ? Optional.empty() : Optional.of(new long[] {Long.parseLong(name.substring(0, dash)),
                    Long.parseLong(name.substring(dash + 1))});
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    private static String seconds(long startedNanos) {
        return String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - startedNanos) / 1e9);
    }
}
