package dev.fleetplane.provisioner.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleetplane.localstack.Endpoints;
import dev.fleetplane.localstack.LocalStack;
import dev.fleetplane.localstack.LocalStackOptions;
import dev.fleetplane.localstack.quarkus.ServiceJar;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A packaged service's readiness names the dependency that is down and why, in {@code /q/health/ready}'s checks, and
 * nothing secret: Kafka at a port where nothing listens (never ready), PostgreSQL behind a TCP relay that is closed
 * while the service runs (ready, then not, naming it). The checks live in fleet-messaging, so every service has them;
 * the provisioner stands for all.
 */
class ReadinessIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void kafkaUnreachable_readinessIs503_namingKafkaAndTheError() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort(); // nothing listens there once this closes
        }
        Path logs = Files.createTempDirectory("fleetplane-readiness-");
        try (LocalStack stack = LocalStack.start(LocalStackOptions.defaults());
             ServiceJar provisioner = ServiceJar.of(Path.of("target/quarkus-app/quarkus-run.jar"), stack.endpoints(),
                     settings(logs, Map.of("kafka.bootstrap.servers", "127.0.0.1:" + closed)))) {
            provisioner.launch(logs.resolve("provisioner.log"));

            JsonNode kafka = await().atMost(WAIT).pollInterval(Duration.ofMillis(500))
                    .until(() -> check(provisioner, "Kafka"), c -> c != null && "DOWN".equals(c.path("status").asText()));
            String error = kafka.path("data").path("error").asText();
            assertTrue(error.startsWith("kafka unreachable at 127.0.0.1:" + closed + " ("), kafka.toString());
            assertEquals(503, ready(provisioner).statusCode());
            assertEquals("UP", check(provisioner, "PostgreSQL").path("status").asText(), "the database is there");
            String password = stack.endpoints().jdbcPassword();
            if (password != null && !password.isBlank()) {
                assertFalse(ready(provisioner).body().contains(password), "no password in the health report");
            }
        } finally {
            delete(logs);
        }
    }

    @Test
    void postgresqlGoneWhileRunning_readinessSaysPostgresqlAndWhy_thenReadyAgain() throws Exception {
        Path logs = Files.createTempDirectory("fleetplane-readiness-");
        try (LocalStack stack = LocalStack.start(LocalStackOptions.defaults())) {
            Endpoints e = stack.endpoints();
            URI db = URI.create(e.jdbcUrl().substring("jdbc:".length()));
            try (Relay relay = new Relay(db.getHost(), db.getPort());
                 ServiceJar provisioner = ServiceJar.of(Path.of("target/quarkus-app/quarkus-run.jar"), e,
                         settings(logs, Map.of("quarkus.datasource.jdbc.url", e.jdbcUrl().replace(
                                 db.getHost() + ":" + db.getPort(), "127.0.0.1:" + relay.port()))))) {
                provisioner.start(logs.resolve("provisioner.log"), WAIT);
                assertEquals("UP", check(provisioner, "PostgreSQL").path("status").asText());

                relay.stop(); // the database is unreachable: open connections die, new ones are refused

                JsonNode pg = await().atMost(WAIT).pollInterval(Duration.ofMillis(500))
                        .until(() -> check(provisioner, "PostgreSQL"),
                                c -> c != null && "DOWN".equals(c.path("status").asText()));
                assertTrue(pg.path("data").path("error").asText()
                        .startsWith("postgresql unreachable at 127.0.0.1:" + relay.port() + " ("), pg.toString());
                assertEquals(503, ready(provisioner).statusCode());
                assertEquals("UP", check(provisioner, "Kafka").path("status").asText(), "Kafka is there");

                relay.resume();
                await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> ready(provisioner).statusCode() == 200);
            }
        } finally {
            delete(logs);
        }
    }

    private static Map<String, String> settings(Path dir, Map<String, String> extra) throws Exception {
        Path key = dir.resolve("id_ed25519");
        Process keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString())
                .redirectErrorStream(true).start();
        assertEquals(0, keygen.waitFor());
        Map<String, String> s = new java.util.HashMap<>(extra);
        s.put("fleetplane.provisioner.ssh.identity-file", key.toString());
        return s;
    }

    private HttpResponse<String> ready(ServiceJar service) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(service.url() + "/q/health/ready"))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The check named {@code name} in the readiness report, or null while the service does not answer. */
    private JsonNode check(ServiceJar service, String name) {
        try {
            for (JsonNode c : JSON.readTree(ready(service).body()).path("checks")) {
                if (name.equals(c.path("name").asText())) {
                    return c;
                }
            }
            return null;
        } catch (Exception e) {
            return null;
        }
    }

    private static void delete(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    /** A TCP relay to host:port on a port of its own, that can be stopped (every connection cut) and resumed. */
    private static final class Relay implements AutoCloseable {
        private final String host;
        private final int target;
        private final int port;
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();
        private volatile ServerSocket server;

        Relay(String host, int target) throws IOException {
            this.host = host;
            this.target = target;
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            this.port = s.getLocalPort();
            serve(s);
        }

        int port() {
            return port;
        }

        private void serve(ServerSocket s) {
            server = s;
            Thread t = new Thread(() -> {
                while (!s.isClosed()) {
                    try {
                        Socket in = s.accept();
                        Socket out = new Socket(host, target);
                        sockets.add(in);
                        sockets.add(out);
                        pump(in, out);
                        pump(out, in);
                    } catch (IOException e) {
                        // closed
                    }
                }
            }, "relay-accept");
            t.setDaemon(true);
            t.start();
        }

        private void pump(Socket from, Socket to) {
            Thread t = new Thread(() -> {
                try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                    in.transferTo(out);
                } catch (IOException e) {
                    // cut
                } finally {
                    try {
                        from.close();
                        to.close();
                    } catch (IOException ignored) {
                        // closed already
                    }
                }
            }, "relay-pump");
            t.setDaemon(true);
            t.start();
        }

        void stop() throws IOException {
            server.close();
            for (Socket s : sockets) {
                s.close();
            }
            sockets.clear();
        }

        void resume() throws IOException {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", port));
            serve(s);
        }

        @Override
        public void close() throws IOException {
            stop();
        }
    }
}
