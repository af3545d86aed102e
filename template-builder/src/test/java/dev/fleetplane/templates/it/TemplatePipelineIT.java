package dev.fleetplane.templates.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.pve.CloneVm;
import dev.fleetplane.events.templates.TemplateBuilt;
import dev.fleetplane.events.templates.TemplateDeleted;
import dev.fleetplane.events.templates.TemplateImageChecked;
import dev.fleetplane.events.templates.TemplateReady;
import dev.fleetplane.events.templates.TemplateRejected;
import dev.fleetplane.events.templates.TemplateSmokeTested;
import dev.fleetplane.events.templates.TemplateUploaded;
import dev.fleetplane.images.ImageDigest;
import dev.fleetplane.localstack.quarkus.LocalStackTestResource;
import dev.fleetplane.localstack.quarkus.ServiceJar;
import dev.fleetplane.localstack.quarkus.TestTokens;
import dev.fleetplane.proxmox.client.ClusterVm;
import dev.fleetplane.proxmox.client.PveConnection;
import dev.fleetplane.proxmox.client.PveReadOnlyClient;
import dev.fleetplane.pvesim.qemu.GuestDefect;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The whole template pipeline through the real services: the template builder (this Quarkus app) and the
 * proxmox-adapter (its packaged jar) over the shared local stack's Kafka and PostgreSQL, against the PVE simulator
 * with a node sshd and guests that are network namespaces with a real sshd. Both routes end in a template that a
 * clone booted from, with the agent, a DHCP address and an SSH login; a broken image and a truncated archive are
 * rejected with nothing left behind in Proxmox and the templates before them untouched.
 */
@QuarkusTest
@QuarkusTestResource(LocalStackTestResource.class)
@QuarkusTestResource(TemplateWorld.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TemplatePipelineIT {

    private static ServiceJar adapter;
    private static TemplateTopics topics;
    private static PveReadOnlyClient pve;
    /** The sftp route's template, promoted in the first test. */
    private static int nixosTemplate;

    @BeforeAll
    static void services() throws Exception {
        TestTokens.actAsOperator();
        topics = new TemplateTopics(LocalStackTestResource.current().kafkaBootstrapServers());
        adapter = AdapterProcess.start(LocalStackTestResource.current(), TemplateWorld.sim.url(), TemplateWorld.TOKEN_ID,
                TemplateWorld.SECRET, TemplateWorld.dir);
        pve = PveReadOnlyClient.connect(PveConnection.of(TemplateWorld.sim.url(), TemplateWorld.TOKEN_ID,
                TemplateWorld.SECRET));
    }

    @AfterAll
    static void close() throws Exception {
        if (adapter != null) {
            adapter.close();
        }
        if (topics != null) {
            topics.close();
        }
    }

    private static String build(Map<String, Object> body) {
        return given().contentType(ContentType.JSON).body(body).post("/templates/builds")
                .then().statusCode(202).extract().path("buildId");
    }

    private static Set<Integer> vmids() {
        return pve.clusterVms().stream().map(ClusterVm::vmid).collect(Collectors.toSet());
    }

    @Test
    @Order(1)
    void sftpRoute_buildsChecksCopiesRestoresSmokeTestsAndConverts() throws Exception {
        String id = build(Map.of("template", "nixos", "route", "sftp", "requestedBy", "templates-it"));
        FleetEvent end = topics.awaitFirst(id, EventCatalog.TEMPLATE_READY, EventCatalog.TEMPLATE_REJECTED);
        assertTrue(end.is(EventCatalog.TEMPLATE_READY), () -> end + " / " + topics.story(id).stream()
                .map(FleetEvent::type).toList() + "\nadapter log: " + ServiceJar.tail(AdapterProcess.log(TemplateWorld.dir)));

        TemplateBuilt built = topics.one(id, EventCatalog.TEMPLATE_BUILT);
        assertEquals("vma", built.format());
        assertEquals("zst", built.compression());
        ImageDigest onDisk = ImageDigest.of(Path.of(built.artifact()));
        assertEquals(onDisk.sha256(), built.sha256(), "the hash names the file as it is");
        assertEquals(onDisk.size(), built.bytes());
        assertFalse(topics.all(id, EventCatalog.TEMPLATE_BUILD_OUTPUT).isEmpty(), "the build's output is streamed");

        TemplateImageChecked checked = topics.one(id, EventCatalog.TEMPLATE_IMAGE_CHECKED);
        assertEquals(List.of("qemu-server.conf"), checked.configs());
        assertFalse(checked.devices().isEmpty());

        TemplateUploaded uploaded = topics.one(id, EventCatalog.TEMPLATE_UPLOADED);
        assertTrue(uploaded.volid().startsWith("local:backup/vzdump-qemu-"), uploaded.volid());
        String file = uploaded.volid().substring("local:backup/".length());
        Path copy = TemplateWorld.sim.nodeSsh(TemplateWorld.NODE).orElseThrow().dumpDir().resolve(file);
        assertEquals(built.sha256(), ImageDigest.of(copy).sha256(), "every byte arrived over SFTP");
        assertFalse(topics.all(id, EventCatalog.TEMPLATE_UPLOAD_PROGRESS).isEmpty());

        TemplateReady ready = end.dataAs(EventCatalog.TEMPLATE_READY);
        TemplateSmokeTested smoke = topics.one(id, EventCatalog.TEMPLATE_SMOKE_TESTED);
        assertEquals(ready.vmid(), smoke.candidateVmid());
        assertNotNull(smoke.address());
        CloneVm probeClone = topics.one(id, EventCatalog.CLONE_VM);
        assertEquals(ready.vmid(), probeClone.templateVmid(), "the probe was a clone of the candidate");
        ClusterVm template = pve.clusterVms().stream().filter(v -> v.vmid() == ready.vmid()).findFirst().orElseThrow();
        assertTrue(template.template(), "the candidate is a template now");
        assertFalse(vmids().contains(smoke.probeVmid()), "the probe is destroyed");
        assertEquals(built.sha256(), ready.sha256());

        given().get("/templates/builds/" + id).then().statusCode(200)
                .body("state", equalTo("ready"), "candidateVmid", equalTo(ready.vmid()));
        given().get("/templates").then().statusCode(200).body("vmid", hasItem(ready.vmid()));
        nixosTemplate = ready.vmid();
        given().post("/templates/" + ready.vmid() + "/promote").then().statusCode(200)
                .body("line", equalTo("_proxmox.templateVmid = " + ready.vmid() + ";"));
        for (FleetEvent e : topics.story(id)) {
            assertEquals(id, e.correlationId(), e.type());
        }
    }

    @Test
    @Order(2)
    void apiRoute_uploadsThroughTheAdapter_importsAndConverts() {
        String id = build(Map.of("template", "nixos-api", "route", "api"));
        FleetEvent end = topics.awaitFirst(id, EventCatalog.TEMPLATE_READY, EventCatalog.TEMPLATE_REJECTED);
        assertTrue(end.is(EventCatalog.TEMPLATE_READY), () -> end + " / " + topics.story(id).stream()
                .map(FleetEvent::type).toList() + "\nadapter log: " + ServiceJar.tail(AdapterProcess.log(TemplateWorld.dir)));
        assertEquals("qcow2", topics.one(id, EventCatalog.TEMPLATE_BUILT).format());
        TemplateUploaded uploaded = topics.one(id, EventCatalog.TEMPLATE_UPLOADED);
        assertTrue(uploaded.volid().startsWith("local:import/nixos-api-"), uploaded.volid());
        assertEquals(uploaded.volid(), topics.one(id, EventCatalog.IMPORT_VM).importFrom());
        int vmid = end.dataAs(EventCatalog.TEMPLATE_READY).vmid();
        assertTrue(pve.clusterVms().stream().anyMatch(v -> v.vmid() == vmid && v.template()));
    }

    @Test
    @Order(3)
    void aTemplateWhoseClonesNeverGetAnAgent_isRejected_andNothingIsLeftBehind() {
        Set<Integer> before = vmids();
        TemplateWorld.sim.faults().guestDefectInNewVms(GuestDefect.NO_AGENT, true);
        try {
            String id = build(Map.of("template", "nixos", "route", "sftp"));
            FleetEvent end = topics.awaitFirst(id, EventCatalog.TEMPLATE_READY, EventCatalog.TEMPLATE_REJECTED);
            assertTrue(end.is(EventCatalog.TEMPLATE_REJECTED), end.toString());
            TemplateRejected rejected = end.dataAs(EventCatalog.TEMPLATE_REJECTED);
            assertEquals("smoke-test", rejected.step());
            assertTrue(rejected.reason().contains("QEMU guest agent is not running"), rejected.reason());
            assertNotNull(topics.one(id, EventCatalog.TEMPLATE_CANDIDATE_CREATED));
            assertEquals(before, vmids(), "the candidate and the probe are destroyed, the earlier templates kept");
        } finally {
            TemplateWorld.sim.faults().guestDefectInNewVms(GuestDefect.NO_AGENT, false);
        }
    }

    @Test
    @Order(4)
    void aTruncatedArchive_isRefusedBeforeAnyByteLeaves() throws Exception {
        Set<Integer> before = vmids();
        Path dump = TemplateWorld.sim.nodeSsh(TemplateWorld.NODE).orElseThrow().dumpDir();
        long filesBefore;
        try (var files = Files.list(dump)) {
            filesBefore = files.count();
        }
        String id = build(Map.of("template", "nixos", "recipe", TemplateWorld.truncatingRecipe.toString()));
        FleetEvent end = topics.awaitFirst(id, EventCatalog.TEMPLATE_READY, EventCatalog.TEMPLATE_REJECTED);
        TemplateRejected rejected = end.dataAs(EventCatalog.TEMPLATE_REJECTED);
        assertEquals("check", rejected.step(), rejected.reason());
        assertTrue(topics.all(id, EventCatalog.TEMPLATE_UPLOAD_PROGRESS).isEmpty());
        try (var files = Files.list(dump)) {
            assertEquals(filesBefore, files.count(), "nothing was copied to the node");
        }
        assertEquals(before, vmids());
    }

    @Test
    @Order(5)
    void aBuildThatFails_orRunsPastItsLimit_isRejectedAtBuild_withItsOutput() {
        Set<Integer> before = vmids();
        String failed = build(Map.of("template", "nixos", "recipe", TemplateWorld.failingRecipe.toString()));
        TemplateRejected why = topics.awaitFirst(failed, EventCatalog.TEMPLATE_REJECTED)
                .dataAs(EventCatalog.TEMPLATE_REJECTED);
        assertEquals("build", why.step());
        assertTrue(why.reason().contains("exited with 1") && why.reason().contains("attribute 'template' missing"),
                why.reason());

        String hung = build(Map.of("template", "nixos", "recipe", TemplateWorld.hangingRecipe.toString(),
                "timeoutSeconds", 3));
        TemplateRejected killed = topics.awaitFirst(hung, EventCatalog.TEMPLATE_REJECTED)
                .dataAs(EventCatalog.TEMPLATE_REJECTED);
        assertEquals("build", killed.step());
        assertTrue(killed.reason().contains("ran past its limit of PT3S and was killed"), killed.reason());
        assertEquals(3, topics.one(hung, EventCatalog.TEMPLATE_BUILD_STARTED).timeoutSeconds());
        assertEquals(before, vmids());
    }

    @Test
    @Order(7)
    void aRequestThatCanNeverBuild_isRefusedAtTheDoor() {
        given().contentType(ContentType.JSON).body(Map.of("template", "Bad Name!", "route", "ftp")).post("/templates/builds")
                .then().statusCode(400)
                .body("details", hasItem("route must be sftp or api, got 'ftp'"));
    }

    @Test
    @Order(6)
    void aSecondTemplateOfAName_retiresTheFirst_whichNothingUses() {
        int first = given().get("/templates?name=nixos-api").then().statusCode(200).extract().path("[0].vmid");
        String id = build(Map.of("template", "nixos-api", "route", "api"));
        FleetEvent end = topics.awaitFirst(id, EventCatalog.TEMPLATE_READY, EventCatalog.TEMPLATE_REJECTED);
        assertTrue(end.is(EventCatalog.TEMPLATE_READY), end.toString());
        TemplateDeleted deleted = topics.awaitFirst(id, EventCatalog.TEMPLATE_DELETED)
                .dataAs(EventCatalog.TEMPLATE_DELETED);
        assertEquals(first, deleted.vmid());
        assertFalse(vmids().contains(first), "the retired template is destroyed in Proxmox");
        int second = end.dataAs(EventCatalog.TEMPLATE_READY).vmid();
        assertTrue(vmids().contains(second));
        given().get("/templates?name=nixos-api").then().statusCode(200)
                .body("find { it.vmid == " + first + " }.deletedAt", org.hamcrest.Matchers.notNullValue())
                .body("find { it.vmid == " + second + " }.deletedAt", org.hamcrest.Matchers.nullValue());
        assertTrue(vmids().contains(nixosTemplate), "another name's template is not this retention's business");
    }
}
