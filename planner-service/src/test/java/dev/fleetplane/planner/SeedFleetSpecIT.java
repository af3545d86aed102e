package dev.fleetplane.planner;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetplane.events.CloudEventsKafkaCodec;
import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.Topics;
import dev.fleetplane.events.plans.PlanComputed;
import dev.fleetplane.events.plans.PlannedChange;
import dev.fleetplane.events.pve.InventoryObserved;
import dev.fleetplane.events.pve.ObservedVm;
import dev.fleetplane.localstack.quarkus.LocalStackTestResource;
import dev.fleetplane.localstack.quarkus.TestTokens;
import dev.fleetplane.localstack.quarkus.TopicRecorder;
import dev.fleetplane.plancore.inventory.InventoryFile;
import dev.fleetplane.plancore.spec.NixEvaluator;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A hosts.nix split over files (plan-core's {@code seed-fleet}) against the real planner, Kafka and PostgreSQL:
 * posted as source alone it is refused naming the missing file; what {@code fleetplane push} sends for it (its
 * evaluation with its files, as JSON) is accepted and planned. Hostile sources are refused with the reason, within
 * the limits, and the planner takes the next push as usual.
 */
@QuarkusTest
@QuarkusTestResource(LocalStackTestResource.class)
class SeedFleetSpecIT {

    static final Duration WAIT = Duration.ofSeconds(30);
    static final Path SEED = Path.of("../plan-core/src/test/resources/seed-fleet");

    static TopicRecorder recorder;
    static KafkaProducer<String, byte[]> producer;

    @BeforeAll
    static void connect() {
        TestTokens.actAsOperator();
        String bootstrap = LocalStackTestResource.current().kafkaBootstrapServers();
        recorder = new TopicRecorder(bootstrap, List.of(Topics.PVE_COMMANDS, Topics.FLEET_PLANS, Topics.FLEET_DESIRED));
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void disconnect() throws Exception {
        producer.close(Duration.ofSeconds(5));
        recorder.close();
    }

    @Test
    void seedFleetSource_postedAlone_isRefused_namingTheFileItImports_andTheWayToPushIt() throws Exception {
        String fleet = "seed-src-" + UUID.randomUUID().toString().substring(0, 8);
        JsonPath refused = given().contentType("text/x-nix").queryParam("fleet", fleet)
                .body(Files.readString(SEED.resolve("hosts.nix")))
                .when().post("/api/v1/specs").then().statusCode(400).extract().jsonPath();
        assertEquals("hosts.nix does not evaluate", refused.getString("error"));
        String detail = refused.getString("details[0]");
        assertTrue(detail.contains("getting status of 'vms.nix': No such file or directory"), detail);
        assertTrue(detail.contains("at hosts.nix:15:9"), detail);
        assertTrue(detail.contains("fleetplane push FILE"), detail);
        assertFalse(detail.contains("fleetplane-nix-"), detail);
    }

    @Test
    void hostileSources_areRefusedWithTheReason_withinTheLimits_andTheNextPushIsPlanned() throws Exception {
        String fleet = "seed-" + UUID.randomUUID().toString().substring(0, 8);
        refused(fleet, "{ web = import ../secret.nix; }", "is forbidden in restricted mode");
        refused(fleet, "{ web = import /etc/passwd; }", "access to absolute path '/etc/passwd' is forbidden");
        refused(fleet, "{ web.key = builtins.readFile /etc/shadow; }", "access to absolute path '/etc/shadow' is forbidden");
        refused(fleet, "let x = x + 1; in { web.cores = x; }", "infinite recursion encountered");
        refused(fleet, "{ web.list = builtins.genList (i: i) 100000000; }", "needed more than 1024 MiB of memory");
        JsonPath slow = given().contentType("text/x-nix").queryParam("fleet", fleet)
                .body("let fib = n: if n < 2 then n else fib (n - 1) + fib (n - 2); in { web.cores = fib 60; }")
                .when().post("/api/v1/specs").then().statusCode(400).extract().jsonPath();
        assertEquals("hosts.nix evaluation timed out", slow.getString("error"));
        assertEquals("hosts.nix: evaluating hosts.nix took longer than 10 s; stopped", slow.getString("details[0]"));

        // What `fleetplane push hosts.nix` sends for the seed fleet: its evaluation with its files (fleetctl SpecUpload).
        JsonNode evaluated = new NixEvaluator("nix-instantiate", Duration.ofSeconds(30))
                .evaluateFile(SEED.resolve("hosts.nix"), SEED);
        String location = given().contentType("application/json").queryParam("fleet", fleet)
                .queryParam("revision", "seed-1").body(evaluated.toString())
                .when().post("/api/v1/specs").then().statusCode(202).extract().header("Location");
        long version = Long.parseLong(location.substring(location.lastIndexOf('/') + 1));
        String correlation = "spec-" + version;
        given().when().get("/api/v1/specs/" + version + "/content").then().statusCode(200)
                .body("web.configurationFile", org.hamcrest.Matchers.equalTo("./hosts/web/configuration.nix"))
                .body("db.configurationFile", org.hamcrest.Matchers.equalTo("./hosts/db/configuration.nix"))
                .body("laptop.authorizedKeys.size()", org.hamcrest.Matchers.equalTo(2));

        FleetEvent sync = recorder.await("SyncInventory for " + correlation,
                s -> s.event() != null && s.event().is(EventCatalog.SYNC_INVENTORY)
                        && correlation.equals(s.event().correlationId()), WAIT).event();
        // As the adapter would answer on examples/pve-seed.json: the template and the imported dev VM.
        List<ObservedVm> vms = List.of(
                new ObservedVm(9003, "nixos-template", "pve", "stopped", true, 2, 2L << 30, 8L << 30, List.of()),
                new ObservedVm(110, "dev", "pve", "running", false, 4, 8L << 30, 64L << 30, List.of()));
        producer.send(CloudEventsKafkaCodec.toRecord(Topics.PVE_EVENTS, "pve", FleetEvent.causedBy(sync,
                EventCatalog.INVENTORY_OBSERVED, "/fleetplane/proxmox-adapter", "pve",
                new InventoryObserved("https://192.168.1.12:8006/api2/json", vms, "sha256:5eedf1ee7001"))))
                .get(10, TimeUnit.SECONDS);
        PlanComputed plan = recorder.await("PlanComputed for " + correlation,
                s -> s.event() != null && s.event().is(EventCatalog.PLAN_COMPUTED)
                        && correlation.equals(s.event().correlationId()), WAIT).event().dataAs(EventCatalog.PLAN_COMPUTED);
        assertTrue(plan.text().contains("Plan: 1 to import, 2 to add, 0 to change, 0 to destroy."), plan.text());
        assertTrue(plan.text().contains("laptop"), plan.text());
    }

    /**
     * The seed-shaped example ({@code examples/seed}: an imported file, imported VMs with bpg ignore lists, a
     * Home-Manager-only host) pushed as {@code fleetplane push} sends it, planned against the inventory it was written
     * for (configs read, as the adapter reports them): the imported VMs are adopted with no drift, the new one created.
     */
    @Test
    void theSeedExample_isPlannedOnline_importedVmsAdoptedWithoutDrift_theNewHostCreated() throws Exception {
        Path example = Path.of("../examples/seed");
        String fleet = "seed-example-" + UUID.randomUUID().toString().substring(0, 8);
        JsonNode evaluated = new NixEvaluator("nix-instantiate", Duration.ofSeconds(30))
                .evaluateFile(example.resolve("hosts.nix"), example);
        String location = given().contentType("application/json").queryParam("fleet", fleet)
                .body(evaluated.toString()).when().post("/api/v1/specs").then().statusCode(202).extract().header("Location");
        String correlation = "spec-" + location.substring(location.lastIndexOf('/') + 1);

        FleetEvent sync = recorder.await("SyncInventory for " + correlation,
                s -> s.event() != null && s.event().is(EventCatalog.SYNC_INVENTORY)
                        && correlation.equals(s.event().correlationId()), WAIT).event();
        List<ObservedVm> vms = InventoryFile.parse(Files.readString(example.resolve("inventory.json")));
        producer.send(CloudEventsKafkaCodec.toRecord(Topics.PVE_EVENTS, "pve", FleetEvent.causedBy(sync,
                EventCatalog.INVENTORY_OBSERVED, "/fleetplane/proxmox-adapter", "pve",
                new InventoryObserved("https://192.168.1.12:8006/api2/json", vms, "sha256:5eed0e8a3b1e"))))
                .get(10, TimeUnit.SECONDS);
        PlanComputed plan = recorder.await("PlanComputed for " + correlation,
                s -> s.event() != null && s.event().is(EventCatalog.PLAN_COMPUTED)
                        && correlation.equals(s.event().correlationId()), WAIT).event().dataAs(EventCatalog.PLAN_COMPUTED);

        assertTrue(plan.errors().isEmpty(), plan.text());
        assertTrue(plan.text().contains("Plan: 3 to import, 1 to add, 0 to change, 0 to destroy."), plan.text());
        for (String imported : List.of("services", "media", "dev")) {
            PlannedChange c = plan.changes().stream().filter(x -> x.host().equals(imported)).findFirst().orElseThrow();
            assertEquals("adopt", c.action(), imported);
            assertTrue(c.changes().stream().noneMatch(l -> l.startsWith("#")), imported + " shows drift: " + c.changes());
        }
        PlannedChange cache = plan.changes().stream().filter(x -> x.host().equals("cache")).findFirst().orElseThrow();
        assertEquals("create", cache.action());
        assertTrue(cache.changes().contains("diskInterface = \"virtio0\" (from template 9003)"), cache.changes().toString());
        assertTrue(plan.text().contains("laptop"), "the Home-Manager-only host is listed as unmanaged:\n" + plan.text());
    }

    private static void refused(String fleet, String source, String reason) {
        given().contentType("text/x-nix").queryParam("fleet", fleet).body(source)
                .when().post("/api/v1/specs").then().statusCode(400)
                .body("error", org.hamcrest.Matchers.equalTo("hosts.nix does not evaluate"))
                .body("details[0]", containsString(reason))
                .body("details[0]", org.hamcrest.Matchers.not(containsString("fleetplane-nix-")));
    }
}
