package dev.fleetplane.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * deploy/compose/compose.yaml and deploy/container/Containerfile: Kafka in KRaft mode, PostgreSQL, the topics job and
 * every service from the one image, each checked for readiness on /q/health/ready, every variable it needs given and
 * every secret only as a file.
 */
class ComposeTest {

    private static JsonNode compose() throws IOException {
        return new YAMLMapper().readTree(Checkout.deploy("compose/compose.yaml").toFile());
    }

    @Test
    void kafkaRunsInKraftModeAndTheTopicsJobRunsTheScript() throws IOException {
        JsonNode services = compose().path("services");
        assertTrue(services.path("kafka").path("image").asText().startsWith("docker.io/apache/kafka:"));
        assertEquals("broker,controller", services.path("kafka").path("environment").path("KAFKA_PROCESS_ROLES").asText());
        assertEquals("false", services.path("kafka").path("environment").path("KAFKA_AUTO_CREATE_TOPICS_ENABLE").asText());
        assertEquals("../kafka/create-topics.sh:/opt/fleetplane/create-topics.sh:ro",
                services.path("topics").path("volumes").path(0).asText());
        assertTrue(services.path("postgres").path("environment").path("POSTGRES_PASSWORD_FILE").isTextual());
    }

    @Test
    void everyServiceRunsFromTheImageWithItsHealthcheckAndEnvironment() throws IOException {
        JsonNode root = compose();
        Set<String> declaredSecrets = new TreeSet<>();
        root.path("secrets").fieldNames().forEachRemaining(declaredSecrets::add);
        List<String> problems = new ArrayList<>();
        for (String service : Services.all()) {
            JsonNode s = root.path("services").path(service);
            if (s.isMissingNode()) {
                problems.add(service + ": no compose service");
                continue;
            }
            int port = Services.port(service);
            if (!"deploy/container/Containerfile".equals(s.path("build").path("dockerfile").asText())
                    || !service.equals(s.path("command").path(0).asText())) {
                problems.add(service + ": not built from deploy/container/Containerfile with command [" + service + "]");
            }
            if (!s.path("healthcheck").path("test").toString().contains("http://127.0.0.1:" + port + "/q/health/ready")) {
                problems.add(service + ": healthcheck is not /q/health/ready on " + port);
            }
            if (!s.path("ports").path(0).asText().equals("127.0.0.1:" + port + ":" + port)) {
                problems.add(service + ": port " + port + " is not published on loopback only");
            }
            Set<String> secrets = new TreeSet<>();
            s.path("secrets").forEach(n -> secrets.add(n.asText()));
            for (String variable : Services.requiredEnvironment(service)) {
                JsonNode value = s.path("environment").path(variable);
                if (Services.isSecret(variable)) {
                    if (!value.isMissingNode()) {
                        problems.add(service + ": secret " + variable + " stands in the environment");
                    }
                    if (!secrets.contains(variable)) {
                        problems.add(service + ": secret " + variable + " is not among its secrets");
                    }
                } else if (value.isMissingNode()) {
                    problems.add(service + ": " + variable + " is not in its environment");
                }
            }
            secrets.stream().filter(n -> !declaredSecrets.contains(n))
                    .forEach(n -> problems.add(service + ": secret " + n + " is not declared at the top level"));
        }
        root.path("secrets").forEach(secret -> {
            if (!secret.path("file").asText().startsWith("./secrets/")) {
                problems.add("a top-level secret is not a file under ./secrets/: " + secret);
            }
        });
        assertEquals(List.of(), problems);
    }

    @Test
    void theImageHoldsEveryServiceAndStartsItThroughTheLauncher() {
        String containerfile = Checkout.read(Checkout.deploy("container/Containerfile"));
        for (String service : Services.all()) {
            assertTrue(containerfile.contains("COPY --chown=root:root " + service + "/target/quarkus-app/ /opt/fleetplane/"
                    + service + "/quarkus-app/"), "the Containerfile does not copy " + service + "'s fast-jar");
            assertTrue(Checkout.read(Checkout.deploy("container/entrypoint.sh")).contains(service),
                    "entrypoint.sh does not accept " + service);
        }
        assertTrue(containerfile.contains("CREDENTIALS_DIRECTORY=/run/secrets"));
        assertTrue(containerfile.contains("USER fleetplane"));
    }
}
