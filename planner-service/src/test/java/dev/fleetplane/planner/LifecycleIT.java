package dev.fleetplane.planner;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.Json;
import dev.fleetplane.events.Topics;
import dev.fleetplane.events.plans.AttributeChange;
import dev.fleetplane.events.plans.HostStateChanged;
import dev.fleetplane.events.plans.PlannedChange;
import dev.fleetplane.events.pve.ConfigureVm;
import dev.fleetplane.events.pve.DestroyVm;
import dev.fleetplane.events.pve.ResizeDisk;
import dev.fleetplane.events.pve.StopVm;
import dev.fleetplane.localstack.quarkus.LocalStackTestResource;
import dev.fleetplane.localstack.quarkus.TestTokens;
import dev.fleetplane.messaging.Database;
import dev.fleetplane.messaging.RequestStory;
import dev.fleetplane.plancore.spec.HostsSpec;
import dev.fleetplane.plancore.spec.SpecValidator;
import dev.fleetplane.planner.lifecycle.HostScheduler;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every action of an applied plan through the host lifecycle, against real Kafka and PostgreSQL: the test builds
 * the plan's {@code PlannedChange}s itself (the contract between the diff engine and the scheduler), hands them to
 * the {@link HostScheduler} as the approval does, and plays the adapter and the provisioner on their topics.
 * Runs with {@code fleetplane.planner.apply.max-parallel=2}.
 */
@QuarkusTest
@TestProfile(LifecycleIT.BoundOfTwo.class)
@QuarkusTestResource(LocalStackTestResource.class)
class LifecycleIT {

    /** The parallel bound these tests run with. */
    public static class BoundOfTwo implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("fleetplane.planner.apply.max-parallel", "2",
                    "quarkus.log.file.enabled", "true",
                    "quarkus.log.file.path", LOG_FILE.toString(),
                    "quarkus.log.file.format", "${quarkus.log.console.format}");
        }
    }

    /** The planner's log in these tests, in the format every service logs with. */
    static final Path LOG_FILE = Path.of("target/lifecycle-it.log");

    static final Set<String> IN_FLIGHT = Set.of("Cloning", "Configuring", "Starting", "Provisioning", "Updating",
            "Resizing", "Stopping", "Destroying");

    static FleetPlay play;

    @Inject
    HostScheduler scheduler;

    @Inject
    Database database;

    @BeforeAll
    static void connect() {
        TestTokens.actAsOperator();
        play = new FleetPlay();
    }

    @AfterAll
    static void disconnect() throws Exception {
        play.close();
    }

    // ---- the actions ----

    @Test
    void update_sendsConfigureVmWithTheChangedKeys_andTheHostIsReadyAndReconciledAgain() throws Exception {
        String fleet = "upd-" + shortId();
        JsonNode spec = spec(Map.of("web", 411), "\"cpuType\": \"host\"");
        String created = apply(fleet, spec, change("web", "create", 411));
        driveCreate("web", created);
        awaitHost(fleet, "web", "Ready");

        String plan = apply(fleet, spec, new PlannedChange("web", "update", 411, "pve", List.of("cores: 2 -> 4"),
                List.of(new AttributeChange("cores", "2", "4", false),
                        new AttributeChange("cpuType", "kvm64", "host", false)), null));
        FleetEvent configure = play.command(EventCatalog.CONFIGURE_VM, "web", plan);
        ConfigureVm cfg = configure.dataAs(EventCatalog.CONFIGURE_VM);
        assertEquals(4, cfg.cores());
        assertEquals(Map.of("cpu", "host"), cfg.extra(), "an update sends exactly the changed keys");
        Map<String, Object> updating = awaitHost(fleet, "web", "Updating");
        assertEquals("True", condition(updating, "Ready", "status"), "an in-place update keeps the host usable");
        assertEquals("PlanApplying", condition(updating, "Reconciled", "reason"));

        play.succeed(configure);
        Map<String, Object> ready = awaitHost(fleet, "web", "Ready");
        assertEquals("HostReady", condition(ready, "Ready", "reason"));
        assertEquals("True", condition(ready, "Reconciled", "status"));
        assertEquals("MatchesSpec", condition(ready, "Reconciled", "reason"));
        assertEquals(plan, ready.get("planId"));
        assertEquals(0, play.sent(EventCatalog.CLONE_VM, "web", plan) + play.sent(EventCatalog.START_VM, "web", plan),
                "an update neither clones nor restarts");
        assertEquals(List.of("Ready->Pending", "Pending->Updating", "Updating->Ready"),
                transitions(fleet, "web", plan, "Updating->Ready"));
    }

    @Test
    void growDisk_resizesTheNamedDisk_toTheAbsoluteSize() throws Exception {
        String fleet = "grow-" + shortId();
        JsonNode spec = spec(Map.of("db", 412), "\"diskInterface\": \"virtio0\"");
        String plan = apply(fleet, spec, new PlannedChange("db", "grow-disk", 412, "pve", List.of("disk: 32G -> 64G"),
                List.of(new AttributeChange("disk", "32G", "64G", false)), null));
        FleetEvent resize = play.command(EventCatalog.RESIZE_DISK, "db", plan);
        assertEquals(new ResizeDisk("pve", 412, "virtio0", "64G"), resize.dataAs(EventCatalog.RESIZE_DISK));
        awaitHost(fleet, "db", "Resizing");
        play.succeed(resize);
        awaitHost(fleet, "db", "Ready");
    }

    @Test
    void destroy_stopsThenDestroys_andTheHostIsGone() throws Exception {
        String fleet = "del-" + shortId();
        JsonNode spec = spec(Map.of("old", 413), "");
        driveCreate("old", apply(fleet, spec, change("old", "create", 413)));
        awaitHost(fleet, "old", "Ready");

        JsonNode without = spec(Map.of(), "");
        String plan = apply(fleet, without, change("old", "destroy", 413));
        FleetEvent stop = play.command(EventCatalog.STOP_VM, "old", plan);
        assertEquals(new StopVm("pve", 413, true, 60), stop.dataAs(EventCatalog.STOP_VM));
        awaitHost(fleet, "old", "Stopping");
        assertEquals(0, play.sent(EventCatalog.DESTROY_VM, "old", plan), "nothing is destroyed while it runs");
        play.succeed(stop);
        FleetEvent destroy = play.command(EventCatalog.DESTROY_VM, "old", plan);
        assertEquals(new DestroyVm("pve", 413, "old"), destroy.dataAs(EventCatalog.DESTROY_VM));
        awaitHost(fleet, "old", "Destroying");
        play.succeed(destroy);
        Map<String, Object> gone = awaitHost(fleet, "old", "Gone");
        assertEquals("False", condition(gone, "Ready", "status"));
        assertEquals("Destroyed", condition(gone, "Ready", "reason"));
        assertEquals("True", condition(gone, "Reconciled", "status"));
        assertEquals(List.of("Ready->Pending", "Pending->Stopping", "Stopping->Destroying", "Destroying->Gone"),
                transitions(fleet, "old", plan, "Destroying->Gone"));
    }

    @Test
    void replace_destroysTheOldVm_thenTakesTheCreatePath() throws Exception {
        String fleet = "rep-" + shortId();
        JsonNode spec = spec(Map.of("app", 414), "\"bios\": \"ovmf\"");
        driveCreate("app", apply(fleet, spec, change("app", "create", 414)));
        awaitHost(fleet, "app", "Ready");
        String plan = apply(fleet, spec, new PlannedChange("app", "replace", 414, "pve", List.of(),
                List.of(new AttributeChange("bios", "seabios", "ovmf", true)), "replace_because_cannot_update"));
        play.succeed(play.command(EventCatalog.STOP_VM, "app", plan));
        play.succeed(play.command(EventCatalog.DESTROY_VM, "app", plan));
        FleetEvent clone = play.command(EventCatalog.CLONE_VM, "app", plan);
        play.succeed(clone);
        FleetEvent configure = play.command(EventCatalog.CONFIGURE_VM, "app", plan);
        assertEquals("ovmf", configure.dataAs(EventCatalog.CONFIGURE_VM).extra().get("bios"));
        play.succeed(configure);
        play.succeed(play.command(EventCatalog.RESIZE_DISK, "app", plan));
        play.succeed(play.command(EventCatalog.START_VM, "app", plan));
        play.succeed(play.command(EventCatalog.PROVISION_HOST, "app", plan));
        awaitHost(fleet, "app", "Ready");
        assertEquals(List.of("Ready->Pending", "Pending->Stopping", "Stopping->Destroying", "Destroying->Cloning",
                "Cloning->Configuring", "Configuring->Resizing", "Resizing->Starting", "Starting->Provisioning",
                "Provisioning->Ready"),
                transitions(fleet, "app", plan, "Provisioning->Ready"));
    }

    @Test
    void forget_leavesTheVmAlone_andAFailedStepNamesItself() throws Exception {
        String fleet = "fgt-" + shortId();
        JsonNode spec = spec(Map.of("keep", 415), "");
        String created = apply(fleet, spec, change("keep", "create", 415));
        FleetEvent clone = play.command(EventCatalog.CLONE_VM, "keep", created);
        // A failure of another operation, not caused by the clone (say a stray start), does not fail the clone.
        play.pve("keep", FleetEvent.create(EventCatalog.PVE_OPERATION_FAILED, FleetPlay.ADAPTER, "keep",
                new dev.fleetplane.events.pve.PveOperationFailed("start", "pve", 415, "task-failed", "stray", 0, null,
                        null, List.of(), false), created));
        play.fail(clone, "clone", 415, "can't lock file");
        Map<String, Object> failed = awaitHost(fleet, "keep", "Failed");
        assertEquals("clone", failed.get("step"));
        assertTrue(String.valueOf(failed.get("reason")).contains("can't lock file"), String.valueOf(failed.get("reason")));
        assertEquals("Failed", condition(failed, "Reconciled", "reason"));

        String plan = apply(fleet, spec(Map.of(), ""), change("keep", "forget", 415));
        Map<String, Object> gone = awaitHost(fleet, "keep", "Gone");
        assertEquals("Forgotten", condition(gone, "Reconciled", "reason"));
        // Forget sends nothing: a later plan creates keep again, and its CloneVm goes out keyed "keep" (one partition,
        // through the outbox in commit order) after anything the forget's transaction sent; once it is seen, a
        // command of the forget would have been seen before it.
        String again = apply(fleet, spec, change("keep", "create", 415));
        play.command(EventCatalog.CLONE_VM, "keep", again);
        assertEquals(0, play.recorder.all().stream().filter(s -> s.topic().equals(Topics.PVE_COMMANDS)
                && "keep".equals(s.key()) && s.event() != null && plan.equals(s.event().correlationId())).count(),
                "forget sends nothing to Proxmox");
    }

    @Test
    void provisioningFailure_thenRetry_waitsInProvisioningWithoutANewCommand_andEndsReadyAtTheNewAddress()
            throws Exception {
        String fleet = "rty-" + shortId();
        String plan = apply(fleet, spec(Map.of("flaky", 416), ""), change("flaky", "create", 416));
        play.succeed(play.command(EventCatalog.CLONE_VM, "flaky", plan));
        play.succeed(play.command(EventCatalog.CONFIGURE_VM, "flaky", plan));
        play.succeed(play.command(EventCatalog.RESIZE_DISK, "flaky", plan));
        play.succeed(play.command(EventCatalog.START_VM, "flaky", plan));
        FleetEvent provision = play.command(EventCatalog.PROVISION_HOST, "flaky", plan);
        play.publish(Topics.PROVISIONING_EVENTS, "flaky", FleetEvent.causedBy(provision,
                EventCatalog.PROVISIONING_FAILED, FleetPlay.PROVISIONER, "flaky",
                new dev.fleetplane.events.provisioning.ProvisioningFailed("flaky", 416, "confirm",
                        "rolled back: unreachable after switch", List.of())));
        assertEquals("confirm", awaitHost(fleet, "flaky", "Failed").get("step"));

        play.publish(Topics.PROVISIONING_EVENTS, "flaky", FleetEvent.causedBy(provision,
                EventCatalog.PROVISIONING_RETRIED, FleetPlay.PROVISIONER, "flaky",
                new dev.fleetplane.events.provisioning.ProvisioningRetried("flaky", 416, "confirm", "fleetctl")));
        awaitHost(fleet, "flaky", "Provisioning");
        play.publish(Topics.PROVISIONING_EVENTS, "flaky", FleetEvent.causedBy(provision, EventCatalog.IP_CHANGED,
                FleetPlay.PROVISIONER, "flaky", new dev.fleetplane.events.provisioning.IpChanged("flaky", 416,
                        "10.0.0.16", "10.0.0.17")));
        play.publish(Topics.PROVISIONING_EVENTS, "flaky", FleetEvent.causedBy(provision,
                EventCatalog.PROVISIONING_SUCCEEDED, FleetPlay.PROVISIONER, "flaky",
                new dev.fleetplane.events.provisioning.ProvisioningSucceeded("flaky", 416, "10.0.0.17")));

        Map<String, Object> ready = awaitHost(fleet, "flaky", "Ready");
        assertEquals("10.0.0.17", ready.get("ip"));
        assertEquals(1, play.recorder.all().stream().filter(s -> s.event() != null
                && s.event().is(EventCatalog.PROVISION_HOST) && "flaky".equals(s.key())).count(),
                "the retry runs the provisioner's saga again; the planner sends no second ProvisionHost");
    }

    // ---- parallelism and restart ----

    @Test
    void fiveHosts_withABoundOfTwo_neverHaveMoreThanTwoInFlight_andAllSettle() throws Exception {
        String fleet = "par-" + shortId();
        Map<String, Integer> vmids = new HashMap<>();
        List<PlannedChange> changes = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            vmids.put("h" + i, 420 + i);
            changes.add(change("h" + i, "create", 420 + i));
        }
        String plan = apply(fleet, spec(vmids, ""), changes.toArray(PlannedChange[]::new));
        // The apply's transaction has committed: the rows show what it started. A later start beyond the bound is
        // caught by the story of the fleet checked at the end.
        List<Map<String, Object>> hosts = hosts(fleet);
        assertEquals(2, hosts.stream().filter(h -> IN_FLIGHT.contains(h.get("state"))).count(), hosts.toString());
        assertEquals(3, hosts.stream().filter(h -> "Pending".equals(h.get("state"))).count(), hosts.toString());

        // Answer whatever comes, host by host, until all five settled; one fails its clone.
        Set<String> settled = new java.util.HashSet<>();
        long deadline = System.nanoTime() + FleetPlay.WAIT.toNanos() * 2;
        while (settled.size() < 5 && System.nanoTime() < deadline) {
            for (String h : vmids.keySet()) {
                if (settled.contains(h)) {
                    continue;
                }
                FleetEvent next = play.nextUnanswered(h, plan);
                if (next == null) {
                    continue;
                }
                if (h.equals("h3") && next.is(EventCatalog.CLONE_VM)) {
                    play.fail(next, "clone", vmids.get(h), "storage full");
                    settled.add(h);
                } else {
                    play.succeed(next);
                    if (next.is(EventCatalog.PROVISION_HOST)) {
                        settled.add(h);
                    }
                }
            }
            Thread.sleep(50);
        }
        for (String h : vmids.keySet()) {
            awaitHost(fleet, h, h.equals("h3") ? "Failed" : "Ready");
        }
        // The rows settle when their transactions commit; the outbox publishes after. Wait until the story has every
        // host's last change: each host's start comes before its own last change on the fleet's partition, so by then
        // the story holds every start, and a start beyond the bound cannot be missing from it.
        for (String h : vmids.keySet()) {
            transitions(fleet, h, plan, h.equals("h3") ? "Cloning->Failed" : "Provisioning->Ready");
        }
        // The planner's own story of the fleet (one partition, in order) shows the bound held at every step.
        int inFlight = 0;
        int most = 0;
        for (HostStateChanged c : stateChanges(fleet)) {
            inFlight += (IN_FLIGHT.contains(c.to()) ? 1 : 0) - (c.from() != null && IN_FLIGHT.contains(c.from()) ? 1 : 0);
            most = Math.max(most, inFlight);
        }
        assertEquals(2, most, "at most two hosts in flight, and the bound was used");
        assertEquals(0, inFlight);
    }

    @Test
    void afterARestart_inFlightHostsContinue_andPendingHostsStart_fromTheRowsAlone() throws Exception {
        String fleet = "rst-" + shortId();
        Map<String, Integer> vmids = Map.of("r1", 431, "r2", 432, "r3", 433);
        String plan = apply(fleet, spec(vmids, ""), change("r1", "create", 431), change("r2", "create", 432),
                change("r3", "create", 433));
        FleetEvent clone1 = play.command(EventCatalog.CLONE_VM, "r1", plan);
        FleetEvent clone2 = play.command(EventCatalog.CLONE_VM, "r2", plan);
        awaitHost(fleet, "r3", "Pending");

        // Everything a planner needs to carry on is in its table: state, the change, the desired values, the
        // command in flight and the queue order.
        Map<String, String> commandIds = database.read(c -> {
            Map<String, String> out = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT host, state, command_id, change, desired, queued_at"
                    + " FROM host_state WHERE fleet = ? ORDER BY host")) {
                ps.setString(1, fleet);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        assertNotNull(rs.getString("change"));
                        assertNotNull(rs.getString("desired"));
                        assertNotNull(rs.getTimestamp("queued_at"));
                        out.put(rs.getString("host"), rs.getString("state") + "/" + rs.getString("command_id"));
                    }
                }
            }
            return out;
        });
        assertEquals("Cloning/" + clone1.id(), commandIds.get("r1"));
        assertEquals("Cloning/" + clone2.id(), commandIds.get("r2"));
        assertEquals("Pending/null", commandIds.get("r3"));

        // The startup pass of a restarted planner: it does not start over (no second clone) and respects the bound.
        // Checked below, each once a later command on the same key (one partition, the outbox publishing in commit
        // order) proves anything this pass sent would have been seen.
        scheduler.resume();

        // In-flight hosts continue when their answers arrive; the freed slot starts the pending one.
        play.succeed(clone1);
        awaitHost(fleet, "r1", "Configuring");
        FleetEvent configure1 = play.command(EventCatalog.CONFIGURE_VM, "r1", plan);
        assertEquals(1, play.sent(EventCatalog.CLONE_VM, "r1", plan), "the startup pass sends no second clone");
        FleetEvent clone2Failed = FleetEvent.causedBy(clone2, EventCatalog.PVE_OPERATION_FAILED, FleetPlay.ADAPTER, "r2",
                new dev.fleetplane.events.pve.PveOperationFailed("clone", "pve", 432, "task-failed", "boom", 0, null,
                        "ERROR", List.of(), false));
        play.pve("r2", clone2Failed);
        awaitHost(fleet, "r2", "Failed");
        FleetEvent clone3 = play.command(EventCatalog.CLONE_VM, "r3", plan);
        // Had the startup pass broken the bound and started r3, that clone would be the first seen on r3's partition:
        // the first one is the slot r2's failure freed.
        assertEquals(clone2Failed.id(), clone3.causationId(), "r3 starts when r2's failure frees a slot");
        awaitHost(fleet, "r3", "Cloning");

        // A planner stopped with a host queued and a slot free (say the bound was raised across the restart):
        // nothing arrives for it on Kafka, so only the startup pass can start it.
        play.fail(configure1, "configure", 431, "frees a slot");
        awaitHost(fleet, "r1", "Failed");
        database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE host_state SET state = 'Pending', step = NULL,"
                    + " reason = NULL, command_id = NULL, queued_at = now() WHERE fleet = ? AND host = 'r2'")) {
                ps.setString(1, fleet);
                ps.executeUpdate();
            }
            return null;
        });
        scheduler.resume();
        awaitHost(fleet, "r2", "Cloning");
        FleetEvent reclone = play.command(EventCatalog.CLONE_VM, "r2", plan);
        // Started by a pass without a cause (the startup pass), not by anything that arrived on Kafka.
        assertEquals(null, reclone.causationId(), "only the startup pass starts r2");
        scheduler.resume();
        // The second pass returned (its transaction committed); r2's next command comes after anything it sent.
        play.succeed(reclone);
        play.command(EventCatalog.CONFIGURE_VM, "r2", plan);
        assertEquals(2, play.sent(EventCatalog.CLONE_VM, "r2", plan), "a second pass finds nothing more to do");
    }

    // ---- one story per id ----

    @Test
    void oneApply_everyLogLineAboutTheHost_carriesItsFleetHostAndPlanAsCorrelationId() throws Exception {
        String fleet = "story-" + shortId();
        String host = "st-" + shortId();
        String plan = apply(fleet, spec(Map.of(host, 413), ""), change(host, "create", 413));
        driveCreate(host, plan);
        awaitHost(fleet, host, "Ready");

        // Logged before each transaction commits, so all of them are in the file once the host reads Ready.
        List<String> lines = Files.readAllLines(LOG_FILE).stream().filter(l -> l.contains(host)).toList();
        assertTrue(lines.size() >= 6, "into Cloning, Configuring, Resizing, Starting, Provisioning, Ready: " + lines);
        for (String line : lines) {
            assertTrue(line.contains("[fleet=" + fleet + " host=" + host + " corr=" + plan), line);
        }
    }

    @Test
    void aRequestsCorrelationId_isEchoed_andAnUnusableOneIsReplaced() {
        String id = "it-" + shortId();
        given().header(RequestStory.HEADER, id).queryParam("fleet", "none").when().get("/api/v1/hosts")
                .then().statusCode(200).header(RequestStory.HEADER, id);
        String replaced = given().header(RequestStory.HEADER, "not usable; " + id).queryParam("fleet", "none")
                .when().get("/api/v1/hosts").then().statusCode(200).extract().header(RequestStory.HEADER);
        assertEquals(36, replaced.length(), "a fresh UUID: " + replaced);
    }

    // ---- helpers ----

    static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    static PlannedChange change(String host, String action, int vmid) {
        return new PlannedChange(host, action, vmid, "pve", List.of());
    }

    /** A spec with the given hosts (2 cores, 2048 MB, 32G) and extra proxmox attributes for each. */
    static JsonNode spec(Map<String, Integer> hosts, String extra) throws Exception {
        StringBuilder b = new StringBuilder("""
                {"_proxmox": {"host": "10.0.0.1", "node": "pve", "defaultStorage": "local-lvm", "templateVmid": 9003}""");
        for (Map.Entry<String, Integer> h : new java.util.TreeMap<>(hosts).entrySet()) {
            b.append(", \"").append(h.getKey()).append("\": {\"proxmox\": {\"vmid\": ").append(h.getValue())
                    .append(", \"cores\": 4, \"memory\": 2048, \"disk\": \"64G\"")
                    .append(extra.isEmpty() ? "" : ", " + extra).append("}}");
        }
        return Json.MAPPER.readTree(b.append('}').toString());
    }

    /** Hands the changes to the scheduler as an approval does (one transaction); returns the plan id. */
    String apply(String fleet, JsonNode content, PlannedChange... changes) {
        return apply(database, scheduler, fleet, content, changes);
    }

    /** {@link #apply(String, JsonNode, PlannedChange...)} for another test class, with its own beans. */
    static String apply(Database database, HostScheduler scheduler, String fleet, JsonNode content,
                        PlannedChange... changes) {
        String planId = "plan-it-" + shortId();
        HostsSpec spec = SpecValidator.validate(content).spec().orElseThrow(() -> new AssertionError(
                SpecValidator.validate(content).problems().toString()));
        database.inTransaction(c -> {
            scheduler.schedule(c, fleet, planId, List.of(changes), spec, content, List.of(), null);
            return null;
        });
        return planId;
    }

    /** Answers the five steps of a create. */
    void driveCreate(String host, String plan) throws Exception {
        play.succeed(play.command(EventCatalog.CLONE_VM, host, plan));
        play.succeed(play.command(EventCatalog.CONFIGURE_VM, host, plan));
        play.succeed(play.command(EventCatalog.RESIZE_DISK, host, plan));
        play.succeed(play.command(EventCatalog.START_VM, host, plan));
        play.succeed(play.command(EventCatalog.PROVISION_HOST, host, plan));
    }

    static List<Map<String, Object>> hosts(String fleet) {
        return given().queryParam("fleet", fleet).when().get("/api/v1/hosts").then().statusCode(200)
                .extract().jsonPath().getList("$");
    }

    static Map<String, Object> awaitHost(String fleet, String host, String state) throws InterruptedException {
        long end = System.nanoTime() + FleetPlay.WAIT.toNanos();
        List<Map<String, Object>> all = List.of();
        while (System.nanoTime() < end) {
            all = hosts(fleet);
            for (Map<String, Object> h : all) {
                if (host.equals(h.get("host")) && state.equals(h.get("state"))) {
                    return h;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError(host + " never reached " + state + "; hosts: " + all);
    }

    @SuppressWarnings("unchecked")
    static String condition(Map<String, Object> host, String type, String field) {
        for (Map<String, Object> c : (List<Map<String, Object>>) host.get("conditions")) {
            if (type.equals(c.get("type"))) {
                return String.valueOf(c.get(field));
            }
        }
        throw new AssertionError("no condition " + type + " in " + host);
    }

    /** HostStateChanged of the fleet in publication order (keyed by fleet: one partition, in order). */
    static List<HostStateChanged> stateChanges(String fleet) {
        return play.recorder.all().stream().filter(s -> s.event() != null && s.event().is(EventCatalog.HOST_STATE_CHANGED)
                && fleet.equals(s.key())).map(s -> s.event().dataAs(EventCatalog.HOST_STATE_CHANGED)).toList();
    }

    /**
     * The host's transitions under {@code plan}, read once its last expected one ({@code last}) is seen: they are
     * keyed by the fleet (one partition, in order), so every earlier one has been seen by then.
     */
    static List<String> transitions(String fleet, String host, String plan, String last) throws InterruptedException {
        play.recorder.await(host + " " + last, s -> s.event() != null && s.event().is(EventCatalog.HOST_STATE_CHANGED)
                && fleet.equals(s.key()) && plan.equals(s.event().correlationId()) && host.equals(s.event().subject())
                && last.equals(transition(s.event().dataAs(EventCatalog.HOST_STATE_CHANGED))), FleetPlay.WAIT);
        return play.recorder.all().stream().filter(s -> s.event() != null
                        && s.event().is(EventCatalog.HOST_STATE_CHANGED) && fleet.equals(s.key())
                        && plan.equals(s.event().correlationId()) && host.equals(s.event().subject()))
                .map(s -> transition(s.event().dataAs(EventCatalog.HOST_STATE_CHANGED))).toList();
    }

    static String transition(HostStateChanged c) {
        return c.from() + "->" + c.to();
    }
}
