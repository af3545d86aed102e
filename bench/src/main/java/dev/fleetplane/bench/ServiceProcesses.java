package dev.fleetplane.bench;

import dev.fleetplane.localstack.LocalStack;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** What the drivers need to run a packaged service as a process of its own: a port, the JVM, readiness. */
public final class ServiceProcesses {

    private ServiceProcesses() {
    }

    /** A port free now (the service binds it a moment later; nothing else on this machine races for it). */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A bearer token of the services' API (docs/access.md): who, which roles (comma-separated), the secret. */
    public record Token(String name, String roles, String secret) {

        /** A new random token (32 bytes, hex) for {@code name} with {@code roles}. */
        public static Token random(String name, String roles) {
            byte[] b = new byte[32];
            new SecureRandom().nextBytes(b);
            return new Token(name, roles, HexFormat.of().formatHex(b));
        }

        String line() {
            try {
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
                return name + " " + roles + " " + HexFormat.of().formatHex(digest);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * Writes {@code tokens} as a tokens file (mode 600, only the tokens' SHA-256) at {@code file}, for a service's
     * {@code FLEETPLANE_TOKENS_FILE}: the services refuse every API call without one.
     */
    public static Path tokensFile(Path file, List<Token> tokens) throws IOException {
        StringBuilder out = new StringBuilder("# written by the bench: <name> <roles,comma> <token sha256>\n");
        tokens.forEach(t -> out.append(t.line()).append('\n'));
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, out);
        return file;
    }

    /**
     * A packaged service's process, not started yet: {@code java <jvm> -jar <jar>}, output and errors to {@code log},
     * the stack's Kafka and PostgreSQL, the port and the driver's pid (the service stops when the driver dies) in its
     * environment; the caller adds what else the service needs.
     */
    public static ProcessBuilder service(Path jar, List<String> jvm, LocalStack stack, int port, Path log) {
        List<String> command = new ArrayList<>();
        command.add(javaBin());
        command.addAll(jvm);
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.put("KAFKA_BOOTSTRAP_SERVERS", stack.kafkaBootstrapServers());
        env.put("QUARKUS_DATASOURCE_JDBC_URL", stack.jdbcUrl());
        env.put("QUARKUS_DATASOURCE_USERNAME", stack.jdbcUser());
        env.put("QUARKUS_DATASOURCE_PASSWORD", stack.jdbcPassword());
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.put("FLEETPLANE_PARENT_PID", Long.toString(ProcessHandle.current().pid()));
        return pb;
    }

    /** Stops a service: SIGTERM, SIGKILL after 20 s; nothing for null. */
    public static void stop(Process service) throws InterruptedException {
        if (service == null) {
            return;
        }
        service.destroy();
        if (!service.waitFor(20, TimeUnit.SECONDS)) {
            service.destroyForcibly();
        }
    }

    /** The {@code java} of the JVM running the driver. */
    public static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Waits up to 3 minutes for {@code /q/health/ready} to answer 200; fails at once when the process exits. */
    public static void awaitReady(String name, Process service, int port, Path log) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            if (!service.isAlive()) {
                throw new IllegalStateException(name + " exited with " + service.exitValue() + "; see " + log);
            }
            try {
                var r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(name + " not ready within 3 minutes; see " + log);
    }
}
