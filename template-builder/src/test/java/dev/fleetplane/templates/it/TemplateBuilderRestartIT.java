package dev.fleetplane.templates.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.localstack.LocalStack;
import dev.fleetplane.localstack.LocalStackOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The packaged template builder killed with SIGKILL while its build command runs, then started again: it finds the
 * build in PostgreSQL at the step it had not finished (the build), runs that step again in an emptied directory, and
 * the build goes on to TemplateReady once, with the adapter (its packaged jar) and the simulator as in
 * {@link TemplatePipelineIT}.
 */
class TemplateBuilderRestartIT {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void builderKilledDuringTheBuild_resumesTheBuild_andMakesOneTemplate() throws Exception {
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), jar + " is built by `mvn package` before the ITs run");
        TemplateWorld world = new TemplateWorld();
        Map<String, String> settings = world.start();
        Process first = null;
        Process second = null;
        Path logs = Files.createTempDirectory("fleetplane-templates-restart-");
        try (LocalStack stack = LocalStack.start(LocalStackOptions.defaults());
             TemplateTopics topics = new TemplateTopics(stack.kafkaBootstrapServers());
             AdapterProcess adapter = AdapterProcess.start(stack.endpoints(), TemplateWorld.sim.url(),
                     TemplateWorld.TOKEN_ID, TemplateWorld.SECRET, logs)) {
            int port = freePort();
            first = launch(jar, stack, settings, port, logs.resolve("first.log"));
            awaitReady(port, first, logs.resolve("first.log"));
            String body = "{\"template\":\"phoenix\",\"recipe\":\"" + TemplateWorld.slowRecipe + "\"}";
            HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/templates/builds")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(202, accepted.statusCode(), accepted.body());
            String id = accepted.body().replaceAll(".*\"buildId\":\"([^\"]+)\".*", "$1");

            topics.awaitFirst(id, EventCatalog.TEMPLATE_BUILD_STARTED);
            first.destroyForcibly(); // SIGKILL in the middle of the (slow) build command
            assertTrue(first.waitFor(20, TimeUnit.SECONDS));
            second = launch(jar, stack, settings, port, logs.resolve("second.log"));
            awaitReady(port, second, logs.resolve("second.log"));

            FleetEvent end = topics.awaitFirst(id, EventCatalog.TEMPLATE_READY, EventCatalog.TEMPLATE_REJECTED);
            assertTrue(end.is(EventCatalog.TEMPLATE_READY), end.toString());
            assertEquals(2, topics.all(id, EventCatalog.TEMPLATE_BUILD_STARTED).size(),
                    "the killed build's step was not acknowledged, so it ran again");
            assertEquals(1, topics.all(id, EventCatalog.TEMPLATE_BUILT).size());
            assertEquals(1, topics.all(id, EventCatalog.TEMPLATE_UPLOADED).size());
            assertEquals(1, topics.all(id, EventCatalog.TEMPLATE_CANDIDATE_CREATED).size());
            assertTrue(Files.readString(logs.resolve("second.log")).contains("resuming build " + id),
                    "the second process resumed the build it found in PostgreSQL");
        } catch (AssertionError | RuntimeException e) {
            for (String name : List.of("first.log", "second.log", "proxmox-adapter.log")) {
                Path log = logs.resolve(name);
                if (Files.exists(log)) {
                    List<String> lines = Files.readAllLines(log);
                    System.out.println("---- " + name + " (last 60 lines)");
                    lines.subList(Math.max(0, lines.size() - 60), lines.size()).forEach(System.out::println);
                }
            }
            throw e;
        } finally {
            for (Process p : new Process[] {first, second}) {
                if (p != null && p.isAlive()) {
                    p.destroy();
                    if (!p.waitFor(20, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                    }
                }
            }
            world.stop();
        }
    }

    private static Process launch(Path jar, LocalStack stack, Map<String, String> settings, int port, Path log)
            throws IOException {
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
        settings.forEach((k, v) -> env.put(k.toUpperCase(Locale.ROOT).replaceAll("[.-]", "_"), v));
        return pb.start();
    }

    private void awaitReady(int port, Process p, Path log) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < end) {
            if (!p.isAlive()) {
                throw new AssertionError("the template builder exited: " + Files.readString(log));
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
        throw new AssertionError("the template builder was not ready within 90 s: " + Files.readString(log));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
