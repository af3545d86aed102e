package dev.fleetplane.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.fleetplane.events.Topics;
import dev.fleetplane.events.Topics.TopicSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * deploy/kubernetes: a Deployment and a Service per service; replicas never above what the topics it consumes can
 * feed (Topics.ALL's partitions) nor above one for the services whose state lives in one process (docs/scaling.md);
 * probes on /q/health; every variable given; secrets only from Secrets, and no Secret value in any manifest.
 */
class KubernetesTest {

    /** Services that must run alone today, and why (docs/scaling.md says the same). */
    private static final Map<String, String> SINGLE = Map.of(
            "provisioner-service", "a starting provisioner resumes every unfinished saga, also another replica's",
            "template-builder", "a build's artefacts are in its own work dir; templates.commands has one partition",
            "console-gateway", "each VM's shared line, viewers and scrollback live in the gateway's memory");

    private static final Map<String, Integer> PARTITIONS = Topics.ALL.stream()
            .collect(Collectors.toMap(TopicSpec::name, TopicSpec::partitions));

    private static List<JsonNode> documents() throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (Stream<Path> files = Files.list(Checkout.deploy("kubernetes"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                try (MappingIterator<JsonNode> it = new YAMLMapper().readerFor(JsonNode.class).readValues(file.toFile())) {
                    while (it.hasNext()) {
                        JsonNode doc = it.next();
                        if (doc != null && !doc.isEmpty()) {
                            docs.add(doc);
                        }
                    }
                }
            }
        }
        return docs;
    }

    private static Map<String, JsonNode> byKind(List<JsonNode> docs, String kind) {
        return docs.stream().filter(d -> kind.equals(d.path("kind").asText()))
                .collect(Collectors.toMap(d -> d.path("metadata").path("name").asText(), Function.identity()));
    }

    @Test
    void replicasNeverExceedWhatTheConsumedTopicsAndTheCodeAllow() throws IOException {
        Map<String, JsonNode> deployments = byKind(documents(), "Deployment");
        List<String> problems = new ArrayList<>();
        for (String service : Services.all()) {
            JsonNode d = deployments.get(service);
            if (d == null) {
                problems.add(service + ": no Deployment");
                continue;
            }
            int replicas = d.path("spec").path("replicas").asInt(-1);
            Set<String> topics = Services.consumedTopics(service);
            for (String topic : topics) {
                if (!PARTITIONS.containsKey(topic)) {
                    problems.add(service + " consumes " + topic + ", which Topics.ALL does not declare");
                }
            }
            int most = topics.stream().mapToInt(t -> PARTITIONS.getOrDefault(t, 0)).max().orElse(1);
            int allowed = SINGLE.containsKey(service) ? 1 : most;
            if (replicas < 1 || replicas > allowed) {
                problems.add(service + ": replicas " + replicas + ", allowed 1.." + allowed + " ("
                        + SINGLE.getOrDefault(service, "the most partitions of " + topics) + ")");
            }
            if (SINGLE.containsKey(service) && !"Recreate".equals(d.path("spec").path("strategy").path("type").asText())) {
                problems.add(service + ": a single replica must be replaced with strategy Recreate, never overlap");
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void everyContainerHasHealthProbesItsPortAndAService() throws IOException {
        List<JsonNode> docs = documents();
        Map<String, JsonNode> deployments = byKind(docs, "Deployment");
        Map<String, JsonNode> services = byKind(docs, "Service");
        List<String> problems = new ArrayList<>();
        for (String service : Services.all()) {
            JsonNode c = deployments.get(service).path("spec").path("template").path("spec").path("containers").path(0);
            int port = Services.port(service);
            if (c.path("ports").path(0).path("containerPort").asInt() != port) {
                problems.add(service + ": containerPort is not " + port);
            }
            if (!"/q/health/live".equals(c.path("livenessProbe").path("httpGet").path("path").asText())) {
                problems.add(service + ": no liveness probe on /q/health/live");
            }
            if (!"/q/health/ready".equals(c.path("readinessProbe").path("httpGet").path("path").asText())) {
                problems.add(service + ": no readiness probe on /q/health/ready");
            }
            if (!service.equals(c.path("args").path(0).asText())) {
                problems.add(service + ": the container does not run " + service);
            }
            JsonNode svc = services.get(service);
            if (svc == null || svc.path("spec").path("ports").path(0).path("port").asInt() != port) {
                problems.add(service + ": no Service on port " + port);
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void everyVariableIsGivenAndSecretsComeOnlyFromSecretVolumes() throws IOException {
        List<JsonNode> docs = documents();
        JsonNode configMap = byKind(docs, "ConfigMap").get("fleetplane");
        List<String> problems = new ArrayList<>();
        for (String service : Services.all()) {
            JsonNode pod = byKind(docs, "Deployment").get(service).path("spec").path("template").path("spec");
            Set<String> env = new TreeSet<>();
            for (JsonNode e : pod.path("containers").path(0).path("env")) {
                String name = e.path("name").asText();
                env.add(name);
                if (Services.isSecret(name)) {
                    problems.add(service + ": secret " + name + " is a plain env entry");
                }
                JsonNode ref = e.path("valueFrom").path("configMapKeyRef");
                if (!ref.isMissingNode() && !configMap.path("data").has(ref.path("key").asText())) {
                    problems.add(service + ": " + name + " refers to ConfigMap key " + ref.path("key").asText()
                            + ", which configmap.yaml lacks");
                }
            }
            Set<String> secretFiles = new TreeSet<>();
            for (JsonNode volume : pod.path("volumes")) {
                for (JsonNode source : volume.path("projected").path("sources")) {
                    source.path("secret").path("items").forEach(i -> secretFiles.add(i.path("path").asText()));
                }
            }
            for (String variable : Services.requiredEnvironment(service)) {
                boolean given = Services.isSecret(variable) ? secretFiles.contains(variable) : env.contains(variable);
                if (!given) {
                    problems.add(service + ": " + variable + " is not given"
                            + (Services.isSecret(variable) ? " as a file of the projected Secret volume" : " in env"));
                }
            }
        }
        for (JsonNode map : byKind(docs, "ConfigMap").values()) {
            map.path("data").fieldNames().forEachRemaining(key -> {
                if (Services.isSecret(key)) {
                    problems.add("ConfigMap " + map.path("metadata").path("name").asText() + " holds the secret " + key);
                }
            });
        }
        for (JsonNode secret : byKind(docs, "Secret").values()) {
            for (String field : List.of("data", "stringData")) {
                secret.path(field).fields().forEachRemaining(e -> {
                    if (!e.getValue().asText().isEmpty()) {
                        problems.add("Secret " + secret.path("metadata").path("name").asText() + " holds a value for "
                                + e.getKey() + ": manifests carry names only");
                    }
                });
            }
        }
        assertTrue(byKind(docs, "Secret").get("fleetplane").path("stringData").has("PVE_TOKEN_SECRET"),
                "secret.yaml has no PVE_TOKEN_SECRET key in the Secret fleetplane");
        assertEquals(List.of(), problems);
    }

    @Test
    void kustomizationGeneratesTheSecretsFromFilesOnly() throws IOException {
        JsonNode k = new YAMLMapper().readTree(Checkout.deploy("kubernetes/kustomization.yaml").toFile());
        List<String> problems = new ArrayList<>();
        for (JsonNode generator : k.path("secretGenerator")) {
            if (generator.has("literals")) {
                problems.add("secretGenerator " + generator.path("name").asText() + " has literals");
            }
            generator.path("files").forEach(f -> {
                if (!f.asText().contains("=secrets/")) {
                    problems.add("secretGenerator file outside secrets/: " + f.asText());
                }
            });
        }
        Set<String> resources = new TreeSet<>();
        k.path("resources").forEach(r -> resources.add(r.asText()));
        for (String service : Services.all()) {
            if (!resources.contains(service + ".yaml")) {
                problems.add("kustomization.yaml does not apply " + service + ".yaml");
            }
        }
        assertEquals(List.of(), problems);
    }
}
