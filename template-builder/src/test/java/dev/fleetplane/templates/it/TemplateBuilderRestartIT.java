package dev.fleetplane.templates.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.localstack.LocalStack;
import dev.fleetplane.localstack.LocalStackOptions;
import dev.fleetplane.localstack.quarkus.ServiceJar;
import dev.fleetplane.localstack.quarkus.TestTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The packaged template builder killed with SIGKILL while its build command runs, then started again: it finds the
 * build in PostgreSQL at the step it had not finished (the build), runs that step again in a new attempt directory,
 * and the build goes on to TemplateReady once, with the adapter (its packaged jar) and the simulator as in
 * {@link TemplatePipelineIT}.
 */
class TemplateBuilderRestartIT {

    private static final Duration READY = Duration.ofSeconds(90);

    @Test
    void builderKilledDuringTheBuild_resumesTheBuild_andMakesOneTemplate() throws Exception {
        TemplateWorld world = new TemplateWorld();
        Map<String, String> settings = world.start();
        // Under target/: kept for a look after a failure (their tails are printed too), gone with the next clean.
        Path logs = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "restart-it-logs-");
        try (LocalStack stack = LocalStack.start(LocalStackOptions.defaults());
             TemplateTopics topics = new TemplateTopics(stack.kafkaBootstrapServers());
             ServiceJar adapter = AdapterProcess.start(stack.endpoints(), TemplateWorld.sim.url(),
                     TemplateWorld.TOKEN_ID, TemplateWorld.SECRET, logs);
             ServiceJar builder = ServiceJar.of(Path.of("target/quarkus-app/quarkus-run.jar"), stack.endpoints(),
                     settings)) {
            try {
                builder.start(logs.resolve("first.log"), READY);
                String body = "{\"template\":\"phoenix\",\"recipe\":\"" + TemplateWorld.slowRecipe + "\"}";
                HttpResponse<String> accepted = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                URI.create(builder.url() + "/templates/builds")).header("Content-Type", "application/json")
                        .header("Authorization", TestTokens.bearer(TestTokens.OPERATOR))
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(202, accepted.statusCode(), accepted.body());
                String id = accepted.body().replaceAll(".*\"buildId\":\"([^\"]+)\".*", "$1");

                topics.awaitFirst(id, EventCatalog.TEMPLATE_BUILD_STARTED);
                builder.kill(); // in the middle of the (slow) build command
                builder.start(logs.resolve("second.log"), READY);

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
                        System.out.println("---- " + name + "\n" + ServiceJar.tail(log));
                    }
                }
                throw e;
            }
        } finally {
            world.stop();
        }
    }
}
