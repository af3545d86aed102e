package dev.fleetplane.templates.it;

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
import java.util.Map;

/**
 * The real proxmox-adapter, started from its packaged jar (the reactor builds it before this module) against the
 * shared local stack and the test's simulator: the template builder's commands are carried out by the same code as
 * in production, never by a stand-in.
 */
final class AdapterProcess implements AutoCloseable {

    private final Process process;
    final Path log;

    private AdapterProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static AdapterProcess start(Endpoints stack, String pveUrl, String tokenId, String secret, Path logDir)
            throws Exception {
        Path jar = Path.of("..", "proxmox-adapter", "target", "quarkus-app", "quarkus-run.jar").toAbsolutePath()
                .normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: the reactor packages proxmox-adapter before this module"
                    + " (mvn -pl template-builder -am verify)");
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path log = logDir.resolve("proxmox-adapter.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-jar", jar.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.put("KAFKA_BOOTSTRAP_SERVERS", stack.kafkaBootstrapServers());
        env.put("QUARKUS_DATASOURCE_JDBC_URL", stack.jdbcUrl());
        env.put("QUARKUS_DATASOURCE_USERNAME", stack.jdbcUser());
        env.put("QUARKUS_DATASOURCE_PASSWORD", stack.jdbcPassword());
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.put("FLEETPLANE_PARENT_PID", Long.toString(ProcessHandle.current().pid()));
        env.put("PVE_URL", pveUrl);
        env.put("PVE_TOKEN_ID", tokenId);
        env.put("PVE_TOKEN_SECRET", secret);
        env.put("FLEETPLANE_ADAPTER_TASKS_POLL_INTERVAL", "PT0.1S");
        env.remove("PVE_INSECURE");
        env.remove("PVE_FINGERPRINT");
        env.remove("PVE_CA_FILE");
        AdapterProcess p = new AdapterProcess(pb.start(), log);
        p.awaitReady(port);
        return p;
    }

    private void awaitReady(int port) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the adapter exited: " + Files.readString(log));
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/q/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the adapter was not ready within 90 s: " + Files.readString(log));
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
