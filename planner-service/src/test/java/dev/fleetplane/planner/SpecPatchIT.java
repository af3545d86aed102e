package dev.fleetplane.planner;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.IntNode;
import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.pve.InventoryObserved;
import dev.fleetplane.events.pve.ObservedVm;
import io.restassured.path.json.JsonPath;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.Topics;
import dev.fleetplane.events.desired.PatchHost;
import dev.fleetplane.events.desired.SpecAccepted;
import dev.fleetplane.events.desired.SpecRejected;
import dev.fleetplane.localstack.quarkus.LocalStackTestResource;
import dev.fleetplane.localstack.quarkus.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Desired-state changes of one host, over REST and Kafka: each accepted patch is the next immutable spec version. */
@QuarkusTest
@QuarkusTestResource(LocalStackTestResource.class)
class SpecPatchIT {

    static final String SPEC = """
            {"_proxmox": {"host": "10.0.0.1", "node": "pve", "defaultStorage": "local-lvm", "templateVmid": 9003},
             "dev": {"proxmox": {"vmid": 510, "cores": 2, "memory": 2048, "disk": "32G"}},
             "web": {"proxmox": {"vmid": 511, "cores": 2, "memory": 2048, "disk": "32G"}}}""";

    static FleetPlay play;

    @BeforeAll
    static void connect() {
        TestTokens.actAsOperator();
        play = new FleetPlay();
    }

    @AfterAll
    static void disconnect() throws Exception {
        play.close();
    }

    static long push(String fleet) {
        return given().contentType("application/json").queryParam("fleet", fleet).body(SPEC)
                .when().post("/api/v1/specs").then().statusCode(202).extract().jsonPath().getLong("specVersion");
    }

    @Test
    void settingCores_makesTheNextVersion_withTheRestUnchanged() {
        String fleet = "patch-" + UUID.randomUUID().toString().substring(0, 8);
        long base = push(fleet);
        long next = given().contentType("application/json").queryParam("fleet", fleet)
                .body("{\"set\": {\"cores\": 8}, \"revision\": \"r42\", \"baseVersion\": " + base + "}")
                .when().patch("/api/v1/hosts/dev").then().statusCode(202)
                .header("Location", containsString("/api/v1/specs/"))
                .body("source", equalTo("operator")).body("revision", equalTo("r42"))
                .extract().jsonPath().getLong("specVersion");
        assertTrue(next > base);
        given().when().get("/api/v1/specs/" + next + "/content").then().statusCode(200)
                .body("dev.proxmox.cores", equalTo(8)).body("web.proxmox.cores", equalTo(2));
        given().when().get("/api/v1/specs/" + base + "/content").then().statusCode(200)
                .body("dev.proxmox.cores", equalTo(2));

        // Removing a host is a patch too.
        long removed = given().contentType("application/json").queryParam("fleet", fleet).body("{\"remove\": true}")
                .when().patch("/api/v1/hosts/web").then().statusCode(202).extract().jsonPath().getLong("specVersion");
        given().when().get("/api/v1/specs/" + removed + "/content").then().statusCode(200)
                .body("web", equalTo(null)).body("dev.proxmox.cores", equalTo(8));

        // A patch computed on an older version is refused rather than silently undoing a newer one.
        given().contentType("application/json").queryParam("fleet", fleet)
                .body("{\"set\": {\"memory\": 4096}, \"baseVersion\": " + base + "}")
                .when().patch("/api/v1/hosts/dev").then().statusCode(409).body("error", containsString("version"));
    }

    @Test
    void badPatches_areRejected_namingTheProblem_andLeaveNoVersionBehind() throws Exception {
        String fleet = "badpatch-" + UUID.randomUUID().toString().substring(0, 8);
        given().contentType("application/json").queryParam("fleet", fleet).body("{\"set\": {\"cores\": 8}}")
                .when().patch("/api/v1/hosts/dev").then().statusCode(404)
                .body("error", containsString("no spec version to patch"));
        long base = push(fleet);
        given().contentType("application/json").queryParam("fleet", fleet).body("{\"set\": {\"cores\": 8}}")
                .when().patch("/api/v1/hosts/ghost").then().statusCode(404)
                .body("error", containsString("no host 'ghost'"))
                .body("details", hasItem(containsString("hosts.ghost")));
        given().contentType("application/json").queryParam("fleet", fleet).body("{\"set\": {\"cores\": 0}}")
                .when().patch("/api/v1/hosts/dev").then().statusCode(400)
                .body("details", hasItem(containsString("hosts.dev.proxmox.cores")));
        given().contentType("application/json").queryParam("fleet", fleet).body("{\"set\": {\"cores\": 8}}")
                .when().patch("/api/v1/hosts/{host}", "dev`reboot`").then().statusCode(400)
                .body("error", containsString("host name must match"));
        given().contentType("application/json").queryParam("fleet", fleet).body("{}")
                .when().patch("/api/v1/hosts/dev").then().statusCode(400)
                .body("details", hasItem(containsString("changes nothing")));

        // Nothing of them was stored: the next accepted input is the very next version.
        long next = given().contentType("application/json").queryParam("fleet", fleet).body("{\"set\": {\"cores\": 3}}")
                .when().patch("/api/v1/hosts/dev").then().statusCode(202).extract().jsonPath().getLong("specVersion");
        given().when().get("/api/v1/specs/" + next + "/content").then().body("dev.proxmox.cores", equalTo(3));
        for (long v = base + 1; v < next; v++) {
            var other = given().when().get("/api/v1/specs/" + v).then().extract();
            assertTrue(other.statusCode() == 404 || !fleet.equals(other.jsonPath().getString("fleet")),
                    "spec version " + v + " of " + fleet + " was left behind by a rejected patch");
        }
        // The unknown host is on record as a rejection naming it.
        SpecRejected rejected = play.recorder.await("SpecRejected naming ghost", s -> s.event() != null
                && s.event().is(EventCatalog.SPEC_REJECTED) && fleet.equals(s.key())
                && s.event().data().toString().contains("hosts.ghost"), FleetPlay.WAIT)
                .event().dataAs(EventCatalog.SPEC_REJECTED);
        assertEquals(fleet, rejected.fleet());
    }

    @Test
    void patchEvents_onFleetDesired_makeTheNextVersion_andAnUnknownHostIsRejectedByName() throws Exception {
        String fleet = "evpatch-" + UUID.randomUUID().toString().substring(0, 8);
        long base = push(fleet);
        play.publish(Topics.FLEET_DESIRED, fleet, FleetEvent.create(EventCatalog.PATCH_HOST, "/operator", "web",
                new PatchHost(fleet, "web", Map.of("cores", IntNode.valueOf(6)), false, null, "abc123", null, null),
                null));
        SpecAccepted accepted = play.recorder.await("SpecAccepted for the patch", s -> s.event() != null
                && s.event().is(EventCatalog.SPEC_ACCEPTED) && fleet.equals(s.key())
                && s.event().dataAs(EventCatalog.SPEC_ACCEPTED).specVersion() > base, FleetPlay.WAIT)
                .event().dataAs(EventCatalog.SPEC_ACCEPTED);
        assertEquals("event", accepted.source());
        assertEquals("abc123", accepted.revision());
        given().when().get("/api/v1/specs/" + accepted.specVersion() + "/content").then().statusCode(200)
                .body("web.proxmox.cores", equalTo(6)).body("dev.proxmox.cores", equalTo(2));

        play.publish(Topics.FLEET_DESIRED, fleet, FleetEvent.create(EventCatalog.PATCH_HOST, "/operator", "nobody",
                new PatchHost(fleet, "nobody", Map.of("cores", IntNode.valueOf(6)), false, null, null, null, null),
                null));
        SpecRejected rejected = play.recorder.await("SpecRejected naming nobody", s -> s.event() != null
                && s.event().is(EventCatalog.SPEC_REJECTED) && fleet.equals(s.key())
                && s.event().data().toString().contains("hosts.nobody"), FleetPlay.WAIT)
                .event().dataAs(EventCatalog.SPEC_REJECTED);
        assertEquals("event", rejected.source());
    }

    /** Plays the adapter for spec version {@code version}: the template and both VMs exist, stopped, as SPEC says. */
    static JsonPath planOf(long version) throws Exception {
        return planOf(version, List.of(
                new ObservedVm(9003, "tpl", "pve", "stopped", true, 1, 1L << 30, 8L << 30, List.of()),
                new ObservedVm(510, "dev", "pve", "stopped", false, 2, 2048L << 20, 32L << 30, List.of()),
                new ObservedVm(511, "web", "pve", "stopped", false, 2, 2048L << 20, 32L << 30, List.of())));
    }

    /** Plays the adapter for spec version {@code version}, answering its inventory request with {@code vms}. */
    static JsonPath planOf(long version, List<ObservedVm> vms) throws Exception {
        FleetEvent sync = play.recorder.await("SyncInventory spec-" + version, s -> s.event() != null
                && s.event().is(EventCatalog.SYNC_INVENTORY) && ("spec-" + version).equals(s.event().correlationId()),
                FleetPlay.WAIT).event();
        play.pve("pve", FleetEvent.causedBy(sync, EventCatalog.INVENTORY_OBSERVED, FleetPlay.ADAPTER, "pve",
                new InventoryObserved("https://10.0.0.1:8006/api2/json", vms, "sha256:" + sync.id())));
        long deadline = System.nanoTime() + FleetPlay.WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            String planId = given().when().get("/api/v1/specs/" + version).then().statusCode(200)
                    .extract().jsonPath().getString("planId");
            if (planId != null) {
                return given().when().get("/api/v1/plans/" + planId).then().statusCode(200).extract().jsonPath();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no plan for spec version " + version);
    }

    static JsonPath pushSpec(String fleet, String query) {
        return given().contentType("application/json").body(SPEC)
                .when().post("/api/v1/specs?fleet=" + fleet + query).then().statusCode(202).extract().jsonPath();
    }

    @Test
    void pushingTheUnpatchedFile_showsWhichPatchItReverts_withActorAndTime_andWithholdsAutoApproveUnlessAllowed()
            throws Exception {
        String fleet = "revert-" + UUID.randomUUID().toString().substring(0, 8);
        push(fleet);
        long patched = given().contentType("application/json").queryParam("fleet", fleet)
                .body("{\"set\": {\"memory\": 4096}}")
                .when().patch("/api/v1/hosts/web").then().statusCode(202).extract().jsonPath().getLong("specVersion");
        OffsetDateTime at = OffsetDateTime.parse(given().when().get("/api/v1/specs/" + patched).then()
                .extract().jsonPath().getString("acceptedAt"));
        String note = "reverts patch of web.proxmox.memory 2048 → 4096 by it-operator at "
                + at.withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS).toInstant()
                + " (spec version " + patched + ")";
        // The desired state now, patch included, is what `fleetplane spec export` renders.
        given().when().get("/api/v1/specs/latest/content?fleet=" + fleet).then().statusCode(200)
                .header("X-Fleetplane-Spec-Version", String.valueOf(patched))
                .body("web.proxmox.memory", equalTo(4096));

        // CI pushes the file without the patch: the answer, the plan text and the JSON plan all say what it undoes.
        JsonPath pushed = pushSpec(fleet, "&source=ci");
        assertEquals(List.of(note), pushed.getList("reverts"));
        JsonPath plan = planOf(pushed.getLong("specVersion"));
        assertTrue(plan.getString("text").contains("Warning: spec version " + pushed.getLong("specVersion")
                + " undoes 1 host patch that the pushed file does not contain:\n  " + note + "\n"), plan.getString("text"));
        assertTrue(plan.getString("text").contains("fleetplane spec export --fleet " + fleet + " --spec-version " + patched));
        assertEquals("web.proxmox.memory", plan.getString("json.reverted_patches[0].attribute"));
        assertEquals(2048, plan.getInt("json.reverted_patches[0].patched_from"));
        assertEquals(4096, plan.getInt("json.reverted_patches[0].patched_to"));
        assertEquals(2048, plan.getInt("json.reverted_patches[0].pushed"));
        assertEquals("it-operator", plan.getString("json.reverted_patches[0].requested_by"), "the token's name");
        assertEquals(patched, plan.getLong("json.reverted_patches[0].spec_version"));
        assertEquals(note, plan.getString("json.reverted_patches[0].note"));

        // Pushed again with auto-approve (nothing applied the revert yet): still named, and not applied by itself.
        JsonPath auto = pushSpec(fleet, "&autoApprove=true");
        assertEquals(List.of(note), auto.getList("reverts"));
        assertTrue(auto.getBoolean("autoApproveWithheld"));
        JsonPath held = planOf(auto.getLong("specVersion"));
        assertEquals("pending-approval", held.getString("status"));
        assertTrue(held.getBoolean("json.auto_approve_withheld"));
        assertTrue(held.getString("text").contains("Auto-approve withheld: apply the revert with `fleetplane apply "
                + held.getString("id") + "`"), held.getString("text"));

        // Acknowledged: the plan applies itself, and the revert is settled for later pushes.
        JsonPath allowed = pushSpec(fleet, "&autoApprove=true&allowRevert=true");
        assertEquals(List.of(note), allowed.getList("reverts"));
        assertTrue(allowed.getBoolean("allowRevert"));
        assertEquals(false, allowed.getBoolean("autoApproveWithheld"));
        JsonPath applied = planOf(allowed.getLong("specVersion"));
        assertEquals("applied", applied.getString("status"));
        assertEquals(List.of(), pushSpec(fleet, "").getList("reverts"));
    }

    @Test
    void aPatchEventNamesWhoAskedForIt_andAFileThatHasThePatch_revertsNothing() throws Exception {
        String fleet = "evrevert-" + UUID.randomUUID().toString().substring(0, 8);
        long base = push(fleet);
        play.publish(Topics.FLEET_DESIRED, fleet, FleetEvent.create(EventCatalog.PATCH_HOST, "/tools/resizer", "dev",
                new PatchHost(fleet, "dev", Map.of("cores", IntNode.valueOf(4)), false, null, null, null, null, "bob"),
                null));
        long patched = play.recorder.await("SpecAccepted for the patch", s -> s.event() != null
                && s.event().is(EventCatalog.SPEC_ACCEPTED) && fleet.equals(s.key())
                && s.event().dataAs(EventCatalog.SPEC_ACCEPTED).specVersion() > base, FleetPlay.WAIT)
                .event().dataAs(EventCatalog.SPEC_ACCEPTED).specVersion();
        List<String> reverts = pushSpec(fleet, "").getList("reverts");
        assertEquals(1, reverts.size(), reverts.toString());
        assertTrue(reverts.get(0).startsWith("reverts patch of dev.proxmox.cores 2 → 4 by bob at "), reverts.get(0));
        assertTrue(reverts.get(0).endsWith("(spec version " + patched + ")"), reverts.get(0));

        // The file with the patch committed reverts nothing; after it the patch is part of the file's history.
        String withPatch = SPEC.replace("\"vmid\": 510, \"cores\": 2", "\"vmid\": 510, \"cores\": 4");
        assertEquals(List.of(), given().contentType("application/json").queryParam("fleet", fleet).body(withPatch)
                .when().post("/api/v1/specs").then().statusCode(202).extract().jsonPath().getList("reverts"));
        assertEquals(List.of(), pushSpec(fleet, "").getList("reverts"));
        assertTrue(patched > base);
    }

    @Test
    void promotingATemplate_isNoChange_andThePlanSaysTheExistingVmsAreKept() throws Exception {
        String fleet = "template-" + UUID.randomUUID().toString().substring(0, 8);
        ObservedVm template9003 = new ObservedVm(9003, "tpl", "pve", "stopped", true, 1, 1L << 30, 8L << 30, List.of());
        ObservedVm template9040 = new ObservedVm(9040, "tpl2", "pve", "stopped", true, 1, 1L << 30, 8L << 30, List.of());
        // The first spec creates both VMs (auto-approved: fleetplane now manages them, not adopted) and says nothing
        // about a template: there is no previous plan to compare with.
        JsonPath first = planOf(pushSpec(fleet, "&autoApprove=true").getLong("specVersion"), List.of(template9003));
        assertEquals("applied", first.getString("status"));
        assertEquals(2, first.getInt("json.change_summary.add"));
        assertTrue(!first.getString("text").contains("templateVmid"), first.getString("text"));
        assertTrue(first.getMap("json").containsKey("template_change") && first.get("json.template_change") == null);

        // The template is promoted, the VMs exist as the spec says: no change, and one note about what it does.
        long promoted = given().contentType("application/json").queryParam("fleet", fleet)
                .body(SPEC.replace("\"templateVmid\": 9003", "\"templateVmid\": 9040"))
                .when().post("/api/v1/specs").then().statusCode(202).extract().jsonPath().getLong("specVersion");
        JsonPath plan = planOf(promoted, List.of(template9003, template9040,
                new ObservedVm(510, "dev", "pve", "running", false, 2, 2048L << 20, 32L << 30, List.of("fleetplane")),
                new ObservedVm(511, "web", "pve", "running", false, 2, 2048L << 20, 32L << 30, List.of("fleetplane"))));
        String note = "_proxmox.templateVmid: 9003 -> 9040. New VMs clone template 9040; the 2 existing VMs keep their"
                + " disks (fleetplane never replaces a VM because its template changed; to rebuild one from the new"
                + " template, destroy it through the plan or give it a new vmid).";
        assertEquals("# " + note + "\n\nNo changes. Your infrastructure matches the configuration.\n",
                plan.getString("text"));
        assertEquals(false, plan.getBoolean("json.applyable"));
        assertEquals(List.of("no-op", "no-op"), plan.getList("json.resource_changes.change.actions.flatten()"));
        assertEquals("_proxmox.templateVmid", plan.getString("json.template_change.attribute"));
        assertEquals(9003, plan.getInt("json.template_change.before"));
        assertEquals(9040, plan.getInt("json.template_change.after"));
        assertEquals(2, plan.getInt("json.template_change.existing_vms_kept"));
        assertEquals(note, plan.getString("json.template_change.note"));
        // PlanComputed carries the same text.
        play.recorder.await("PlanComputed with the note", s -> s.event() != null
                && s.event().is(EventCatalog.PLAN_COMPUTED) && fleet.equals(s.key())
                && s.event().dataAs(EventCatalog.PLAN_COMPUTED).text().contains(note), FleetPlay.WAIT);
    }
}
