package dev.fleetplane.localstack.quarkus;

import dev.fleetplane.localstack.Endpoints;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A packaged fleetplane service ({@code <module>/target/quarkus-app/quarkus-run.jar}) run by an integration test as
 * its own JVM against the test's Kafka and PostgreSQL: to be killed and started again (restart ITs), or to carry out
 * the commands of the service under test for real (the template builder's ITs run the adapter). Its settings are
 * given as config keys ({@code fleetplane.x.y}) or environment variables, its output goes to a log the test prints on
 * failure. It exits by itself when the test JVM dies ({@code FLEETPLANE_PARENT_PID}). Its tokens file is {@link
 * TestTokens}' ({@code FLEETPLANE_TOKENS_FILE}).
 */
public final class ServiceJar implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path jar;
    private final Endpoints stack;
    private final Map<String, String> settings;
    private final int port;
    private Process process;

    private ServiceJar(Path jar, Endpoints stack, Map<String, String> settings, int port) {
        this.jar = jar;
        this.stack = stack;
        this.settings = Map.copyOf(settings);
        this.port = port;
    }

    /**
     * The service of {@code jar} with {@code settings} (a key with a dot is a config key, turned into its environment
     * variable; one without is an environment variable as it is), on a free port; not started yet.
     */
    public static ServiceJar of(Path jar, Endpoints stack, Map<String, String> settings) throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: the reactor packages a service before the ITs that run"
                    + " it (mvn -pl <module> -am verify)");
        }
        try (ServerSocket s = new ServerSocket(0)) {
            return new ServiceJar(jar.toAbsolutePath().normalize(), stack, settings, s.getLocalPort());
        }
    }

    public int port() {
        return port;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Starts the JVM, its output appended to {@code log}, and waits until {@code /q/health/ready} answers 200. */
    public ServiceJar start(Path log, Duration readyWithin) throws IOException, InterruptedException {
        launch(log);
        long end = System.nanoTime() + readyWithin.toNanos();
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new IllegalStateException(jar.getParent().getParent().getParent().getFileName() + " exited while"
                        + " starting (status " + process.exitValue() + "); its log: " + tail(log));
            }
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url() + "/q/health/ready"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return this;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(jar + " was not ready within " + readyWithin + "; its log: " + tail(log));
    }

    /** Starts the JVM, its output appended to {@code log}, without waiting for it (e.g. one that cannot get ready). */
    public ServiceJar launch(Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-jar", jar.toString()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> env = pb.environment();
        env.put("KAFKA_BOOTSTRAP_SERVERS", stack.kafkaBootstrapServers());
        env.put("QUARKUS_DATASOURCE_JDBC_URL", stack.jdbcUrl());
        env.put("QUARKUS_DATASOURCE_USERNAME", stack.jdbcUser());
        env.put("QUARKUS_DATASOURCE_PASSWORD", stack.jdbcPassword());
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.put("FLEETPLANE_PARENT_PID", Long.toString(ProcessHandle.current().pid()));
        env.put("FLEETPLANE_TOKENS_FILE", TestTokens.file().toString());
        settings.forEach((k, v) -> env.put(k.contains(".") ? k.toUpperCase(Locale.ROOT).replaceAll("[.\\-\"]", "_") : k, v));
        process = pb.start();
        return this;
    }

    /** SIGKILL, as a crash or the OOM killer would: no shutdown hook, no graceful stop. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            throw new IllegalStateException(jar + " did not die within 20 s of SIGKILL");
        }
    }

    /** SIGTERM (a graceful stop), SIGKILL after 20 s. */
    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    /** The last 6,000 characters of {@code log}. */
    public static String tail(Path log) {
        try {
            String s = Files.readString(log);
            return s.length() > 6000 ? "…" + s.substring(s.length() - 6000) : s;
        } catch (IOException e) {
            return "(" + log + " unreadable: " + e.getMessage() + ")";
        }
    }
}
