package dev.fleetplane.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One fleetplane service in its own JVM, started from its packaged Quarkus app, logging to a file (appended to when
 * the service is started again after a crash). Public for bench's ProvisionBench, which launches services the way
 * {@code up} does.
 */
public final class ServiceProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final String name;
    final int port;
    final Path log;
    private final ProcessBuilder builder;
    private volatile Process process;
    private volatile boolean closed;
    private long launchedAt = System.nanoTime();
    private long readyMillis = -1;

    private ServiceProcess(String name, int port, Path log, ProcessBuilder builder, Process process) {
        this.name = name;
        this.port = port;
        this.log = log;
        this.builder = builder;
        this.process = process;
    }

    /** Starts {@code module/target/quarkus-app/quarkus-run.jar}; it exits by itself if this JVM dies. */
    public static ServiceProcess start(Path repo, String name, int port, Map<String, String> env, Path logDir)
            throws IOException {
        return start(repo, name, name, port, env, logDir);
    }

    /**
     * Starts {@code module}'s packaged service under the name {@code name} (a replica: {@code planner-service-2}), its
     * output in {@code logDir/<name>.log}.
     */
    public static ServiceProcess start(Path repo, String module, String name, int port, Map<String, String> env,
                                       Path logDir) throws IOException {
        Path jar = repo.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new CliException(jar + " is missing: build with `mvn -B -DskipTests package` (./fleetplane does this on first use)");
        }
        return command(name, port, List.of(javaBin(), "-Xms32m", "-Xmx256m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-jar", jar.toString()), env, logDir.resolve(name + ".log"));
    }

    /** Starts {@code command} as the service {@code name} answering on {@code port}, its output appended to {@code log}. */
    static ServiceProcess command(String name, int port, List<String> command, Map<String, String> env, Path log)
            throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // A null value removes a variable this JVM inherited (e.g. an exported PVE_INSECURE the stack did not choose).
        env.forEach((k, v) -> {
            if (v == null) {
                pb.environment().remove(k);
            } else {
                pb.environment().put(k, v);
            }
        });
        pb.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
        pb.environment().put("FLEETPLANE_PARENT_PID", Long.toString(ProcessHandle.current().pid()));
        return new ServiceProcess(name, port, log, pb, pb.start());
    }

    /** Starts the service again (after it exited), same command and environment, its output appended to the log. */
    synchronized void restart() throws IOException {
        if (closed) {
            return;
        }
        if (process.isAlive()) {
            throw new IllegalStateException(name + " is still running");
        }
        launchedAt = System.nanoTime();
        readyMillis = -1;
        process = builder.start();
    }

    /** The running JVM's process (a new one after each restart). */
    Process process() {
        return process;
    }

    boolean closed() {
        return closed;
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    public long pid() {
        return process.pid();
    }

    public long readyMillis() {
        return readyMillis;
    }

    /** Waits for {@code /q/health/ready} to answer 200, or fails with the tail of the service's log. */
    public void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Process process = this.process;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new CliException(name + " exited with status " + process.exitValue() + " while starting; last lines of "
                        + log + ":\n" + tail(40));
            }
            try {
                HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create(url() + "/q/health/ready"))
                        .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    readyMillis = Duration.ofNanos(System.nanoTime() - launchedAt).toMillis();
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException("interrupted while waiting for " + name);
            }
            sleep(150);
        }
        throw new CliException(name + " was not ready after " + timeout.toSeconds() + " s; last lines of " + log + ":\n" + tail(40));
    }

    /** Resident set size in MiB from /proc, or -1 where that is not readable. */
    long rssMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException ignored) {
            // not Linux, or already gone
        }
        return -1;
    }

    String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** SIGTERM, a grace period for Quarkus to shut down, then SIGKILL; a closed service is never restarted. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        Process process = this.process;
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
