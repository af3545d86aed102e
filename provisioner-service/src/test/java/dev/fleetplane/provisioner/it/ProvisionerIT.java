package dev.fleetplane.provisioner.it;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.EventKind;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.provisioning.HardwareConfigGenerated;
import dev.fleetplane.events.provisioning.HostKeyDiscovered;
import dev.fleetplane.events.provisioning.IpChanged;
import dev.fleetplane.events.provisioning.IpResolved;
import dev.fleetplane.events.provisioning.ProvisioningFailed;
import dev.fleetplane.events.provisioning.ProvisioningSucceeded;
import dev.fleetplane.events.provisioning.RebuildOutput;
import dev.fleetplane.events.provisioning.RebuildSucceeded;
import dev.fleetplane.localstack.quarkus.LocalStackTestResource;
import dev.fleetplane.localstack.quarkus.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The provisioner through its topics against real Kafka and PostgreSQL and simulated guests that are network
 * namespaces with a real sshd: the test plays the planner (ProvisionHost); the guest agent's answers come from the
 * simulator through {@link AgentRelay}. The guests' stand-in {@code nixos-rebuild switch} moves them to a new DHCP
 * address in the middle of the switch and disables root login, as a real first rebuild does.
 */
@QuarkusTest
@QuarkusTestResource(LocalStackTestResource.class)
@QuarkusTestResource(SimulatedGuests.class)
class ProvisionerIT {

    private static final String REBUILD = "nixos-rebuild switch --flake /etc/nixos#{host}";

    private static AgentRelay relay;
    private static ProvisioningTopics topics;

    @Inject
    DataSource dataSource;

    @BeforeAll
    static void topics() {
        TestTokens.actAsOperator();
        String bootstrap = LocalStackTestResource.current().kafkaBootstrapServers();
        relay = new AgentRelay(bootstrap, SimulatedGuests.pve);
        topics = new ProvisioningTopics(bootstrap);
    }

    @AfterAll
    static void close() throws InterruptedException {
        topics.close();
        relay.close();
    }

    @Test
    void provisioning_followsTheGuestThroughTheIpChangeOfItsSwitch_confirmsIt_andIntegratesTheHost() throws Exception {
        int vmid = 201;
        String host = "web1";
        SimulatedGuests.startVm(vmid, host);
        String before = SimulatedGuests.currentSystem(vmid);

        FleetEvent command = provision(host, vmid, true);
        FleetEvent done = awaitLast(host, command, EventCatalog.PROVISIONING_SUCCEEDED, EventCatalog.PROVISIONING_FAILED);

        assertTrue(done.is(EventCatalog.PROVISIONING_SUCCEEDED), done.toString());
        String first = one(host, command, EventCatalog.IP_RESOLVED).ip();
        IpChanged moved = one(host, command, EventCatalog.IP_CHANGED);
        assertEquals(first, moved.from());
        assertNotEquals(first, moved.to(), "DHCP handed out a new address during the switch");
        assertEquals(SimulatedGuests.sim.guestAddress(vmid), moved.to());
        assertEquals(new ProvisioningSucceeded(host, vmid, moved.to()), done.dataAs(EventCatalog.PROVISIONING_SUCCEEDED));

        RebuildSucceeded rebuilt = one(host, command, EventCatalog.REBUILD_SUCCEEDED);
        assertTrue(rebuilt.connectionDropped(), "the rebuild's own connection died with the old address");
        assertTrue(rebuilt.outputTail().contains("building the system configuration..."), rebuilt.outputTail().toString());
        assertEquals(before, rebuilt.systemBefore());
        assertEquals(SimulatedGuests.currentSystem(vmid), rebuilt.systemAfter());
        assertNotEquals(before, rebuilt.systemAfter());
        assertTrue(rebuilt.systemAfter().contains("nixos-system-" + host), rebuilt.systemAfter());
        List<RebuildOutput> output = all(host, command, EventCatalog.REBUILD_OUTPUT);
        assertFalse(output.isEmpty());
        assertEquals("building the system configuration...", output.get(0).lines().get(0), "streamed as it ran");

        HardwareConfigGenerated hardware = one(host, command, EventCatalog.HARDWARE_CONFIG_GENERATED);
        assertEquals("stored", hardware.action());
        assertTrue(hardware.content().contains("fileSystems"), hardware.content());

        HostKeyDiscovered key = one(host, command, EventCatalog.HOST_KEY_DISCOVERED);
        String onGuest = Files.readString(SimulatedGuests.sim.guestDir(vmid).orElseThrow()
                .resolve("etc/ssh/ssh_host_ed25519_key.pub")).strip();
        assertTrue(onGuest.startsWith(key.publicKey()), key.publicKey() + " vs " + onGuest);
        assertTrue(key.ageRecipient().startsWith("age1") && key.ageRecipient().length() == 62, key.ageRecipient());
        assertEquals("web1.publicKey = \"" + key.publicKey() + "\";", key.hostsNix());
        assertEquals("  - &host_web1 " + key.ageRecipient(), key.sopsYaml().get(0));
        given().get("/sagas/" + host + "/integration").then().statusCode(200)
                .body("ip", equalTo(moved.to()), "ageRecipient", equalTo(key.ageRecipient()),
                        "hardwareConfig", equalTo(hardware.content()), "rendered", startsWith("# hosts.nix"));

        // The story is one: every event carries the command's correlation id.
        for (FleetEvent e : story(host, command)) {
            assertEquals(command.correlationId(), e.correlationId(), e.type());
        }
        given().get("/sagas/" + host).then().statusCode(200).body("state", equalTo("succeeded"),
                "ip", equalTo(moved.to()));

        // Provisioned again (the same configuration): root login is off now, so fleetplane logs in as ops and runs the
        // rebuild through sudo; nothing changed, so the network does not restart and the connection holds.
        FleetEvent again = provision(host, vmid, false);
        FleetEvent end = awaitLast(host, again, EventCatalog.PROVISIONING_SUCCEEDED, EventCatalog.PROVISIONING_FAILED);
        assertTrue(end.is(EventCatalog.PROVISIONING_SUCCEEDED), end.toString());
        RebuildSucceeded second = one(host, again, EventCatalog.REBUILD_SUCCEEDED);
        assertFalse(second.connectionDropped());
        assertEquals(rebuilt.systemAfter(), second.systemAfter());
        assertEquals(moved.to(), end.dataAs(EventCatalog.PROVISIONING_SUCCEEDED).ip());
        assertEquals("unchanged", one(host, again, EventCatalog.HARDWARE_CONFIG_GENERATED).action());

        // Observability: every worker step was timed with the state it led to, the command counted as handled.
        String scrape = await().atMost(java.time.Duration.ofSeconds(30)).until(
                () -> given().get("/q/metrics").then().statusCode(200).extract().asString(),
                body -> series(body, "fleetplane_provisioning_step_seconds_count", "step=\"integrating\"",
                        "outcome=\"succeeded\""));
        assertTrue(series(scrape, "fleetplane_provisioning_step_seconds_bucket", "step=\"rebuilding\""), scrape);
        assertTrue(series(scrape, "fleetplane_provisioning_step_seconds_count", "step=\"confirming\""), scrape);
        assertTrue(series(scrape, "fleetplane_events_handled_total", "consumer=\"provisioner.provisioning-commands\"",
                "type=\"" + EventCatalog.PROVISION_HOST.type() + "\""), scrape);
        assertTrue(series(scrape, "fleetplane_outbox_backlog"), scrape);
        given().get("/q/openapi?format=json").then().statusCode(200)
                .body("info.title", equalTo("fleetplane provisioner API"))
                .body("paths.keySet()", org.hamcrest.Matchers.hasItems("/sagas", "/sagas/{host}/integration"));
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'Kafka' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'PostgreSQL' }.status", equalTo("UP"));
    }

    /** Whether the Prometheus text has a sample of {@code name} carrying every label given as {@code key="value"}. */
    static boolean series(String scrape, String name, String... labels) {
        return scrape.lines().filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .anyMatch(l -> java.util.Arrays.stream(labels).allMatch(l::contains));
    }

    @Test
    void agentThatComesUpLate_isAskedAgainWithTheReason_untilItAnswers() {
        int vmid = 202;
        String host = "late1";
        SimulatedGuests.sim.faults().agentNeverUp(true);
        SimulatedGuests.startVm(vmid, host);
        FleetEvent command = provision(host, vmid, true);
        await().atMost(ProvisioningTopics.WAIT).until(() -> relay.answersFor(host).size() >= 3);
        assertTrue(relay.answersFor(host).stream().allMatch(a -> a.is(EventCatalog.GUEST_AGENT_UNAVAILABLE)));
        given().get("/sagas/" + host).then().statusCode(200).body("state", equalTo("resolving-ip"),
                "lastReason", containsString("not running"));

        SimulatedGuests.sim.faults().agentNeverUp(false);

        FleetEvent done = awaitLast(host, command, EventCatalog.PROVISIONING_SUCCEEDED, EventCatalog.PROVISIONING_FAILED);
        assertTrue(done.is(EventCatalog.PROVISIONING_SUCCEEDED), done.toString());
        assertTrue(one(host, command, EventCatalog.IP_RESOLVED).attempts() >= 4);
    }

    @Test
    void changedHostKey_isRefusedNamingBothFingerprints_unlessThePlanMadeTheVmAnew() throws Exception {
        int vmid = 203;
        String host = "pinned1";
        SimulatedGuests.startVm(vmid, host);
        pin(host, "ssh-ed25519", "SHA256:Q0hBTkdFRC1LRVktT0YtQS1QUkVWSU9VUy1WTS0xMjM0NTY3",
                "AAAAC3NzaC1lZDI1NTE5AAAAIOnotTheKeyOfThisGuestAtAllxxxxxxxxxxxxxxxxxxx");

        FleetEvent command = provision(host, vmid, false);
        ProvisioningFailed failed = awaitLast(host, command, EventCatalog.PROVISIONING_FAILED,
                EventCatalog.PROVISIONING_SUCCEEDED).dataAs(EventCatalog.PROVISIONING_FAILED);
        assertEquals("ssh", failed.step());
        assertTrue(failed.reason().contains("host key of " + host), failed.reason());
        assertTrue(failed.reason().contains("pinned ssh-ed25519 SHA256:Q0hBTkdFRC1LRVktT0YtQS1QUkVWSU9VUy1WTS0xMjM0NTY3"),
                failed.reason());
        assertTrue(failed.reason().contains("offered ssh-ed25519 SHA256:"), failed.reason());

        FleetEvent anew = provision(host, vmid, true);
        assertTrue(awaitLast(host, anew, EventCatalog.PROVISIONING_SUCCEEDED, EventCatalog.PROVISIONING_FAILED)
                .is(EventCatalog.PROVISIONING_SUCCEEDED), "a new VM brings a new key: the old pin is dropped");
    }

    @Test
    void failingRebuild_failsAtStepRebuild_withTheGuestsLastWords_andDisarmsTheWatchdog() throws Exception {
        int vmid = 204;
        String host = "broken1";
        SimulatedGuests.startVm(vmid, host);
        Path guest = SimulatedGuests.sim.guestDir(vmid).orElseThrow();
        Files.writeString(guest.resolve("fail-rebuild"), "attribute 'nixosConfigurations.broken1' missing");
        String before = SimulatedGuests.currentSystem(vmid);

        FleetEvent command = provision(host, vmid, true);
        ProvisioningFailed failed = awaitLast(host, command, EventCatalog.PROVISIONING_FAILED,
                EventCatalog.PROVISIONING_SUCCEEDED).dataAs(EventCatalog.PROVISIONING_FAILED);

        assertEquals("rebuild", failed.step());
        assertTrue(failed.reason().contains("exited with status 1"), failed.reason());
        assertEquals("error: attribute 'nixosConfigurations.broken1' missing",
                failed.outputTail().get(failed.outputTail().size() - 1));
        assertEquals(before, SimulatedGuests.currentSystem(vmid));
        Path unit = guest.resolve("run/fleetplane-units/fleetplane-confirm-" + host + ".service");
        assertTrue(!Files.exists(unit) || !ProcessHandle.of(Long.parseLong(Files.readString(unit).strip()))
                .map(ProcessHandle::isAlive).orElse(false), "the watchdog does not outlive a failed rebuild");

        // The operator fixes the flake and runs `fleetplane retry broken1`: again from step rebuild, same story.
        Files.delete(guest.resolve("fail-rebuild"));
        given().post("/sagas/" + host + "/retry?by=it").then().statusCode(200).body("state", equalTo("resolving-ip"));
        FleetEvent done = awaitLast(host, command, EventCatalog.PROVISIONING_SUCCEEDED);
        assertEquals("rebuild", one(host, command, EventCatalog.PROVISIONING_RETRIED).step());
        assertEquals(SimulatedGuests.sim.guestAddress(vmid), done.dataAs(EventCatalog.PROVISIONING_SUCCEEDED).ip());
        assertNotEquals(before, SimulatedGuests.currentSystem(vmid));

        given().post("/sagas/" + host + "/retry").then().statusCode(409)
                .body("error", containsString("only a failed provisioning can be retried"));
        given().post("/sagas/no-such-host/retry").then().statusCode(404)
                .body("error", equalTo("no provisioning of host 'no-such-host' to retry"));
        given().get("/sagas/no-such-host/integration").then().statusCode(404)
                .body("error", containsString("host 'no-such-host' has not been integrated yet"));
    }

    @Test
    void switchAfterWhichTheHostCannotBeReached_rollsBack_andTheHostEndsFailed() throws Exception {
        int vmid = 205;
        String host = "cutoff1";
        SimulatedGuests.sim.faults().ipChangeOnNetworkRestart(vmid, false);
        SimulatedGuests.startVm(vmid, host);
        Path guest = SimulatedGuests.sim.guestDir(vmid).orElseThrow();
        Files.writeString(guest.resolve("break-ssh-on-switch"), "");
        String before = SimulatedGuests.currentSystem(vmid);

        FleetEvent command = provision(host, vmid, true);
        ProvisioningFailed failed = awaitLast(host, command, EventCatalog.PROVISIONING_FAILED,
                EventCatalog.PROVISIONING_SUCCEEDED).dataAs(EventCatalog.PROVISIONING_FAILED);

        assertEquals("confirm", failed.step());
        assertTrue(failed.reason().startsWith("rolled back: unreachable after switch"), failed.reason());
        await().atMost(Duration.ofSeconds(30)).until(() -> before.equals(SimulatedGuests.currentSystem(vmid)));
        given().get("/sagas/" + host).then().statusCode(200).body("state", equalTo("failed"),
                "failedStep", equalTo("confirm"));
    }

    @Test
    void rebuildThatPrints100Mb_isStreamedBounded_andSucceeds() {
        int vmid = 206;
        String host = "chatty1";
        SimulatedGuests.startVm(vmid, host);

        FleetEvent command = provision(host, vmid, true,
                "head -c 100000000 /dev/zero | tr '\\0' x | fold -w 2000 && nixos-rebuild switch --flake /etc/nixos#{host}");
        FleetEvent done = awaitLast(host, command, EventCatalog.PROVISIONING_SUCCEEDED, EventCatalog.PROVISIONING_FAILED);

        assertTrue(done.is(EventCatalog.PROVISIONING_SUCCEEDED), done.toString());
        List<RebuildOutput> output = all(host, command, EventCatalog.REBUILD_OUTPUT);
        assertEquals(20, output.size(), "at most rebuild.output-max-batches events");
        assertTrue(output.get(0).lines().get(0).endsWith(" …[cut]"), "lines cut at max-line-length");
        assertTrue(output.get(0).lines().get(0).length() < 1100);
        long sizeOfAll = topics.raw().stream().filter(r -> r.contains(host)).mapToLong(String::length).sum();
        assertTrue(sizeOfAll < 5_000_000, "100 MB of output became " + sizeOfAll + " bytes of events");
    }

    @Test
    void commandWithShellMetacharactersInTheHostName_isRejectedAtOnce() {
        String host = "evil;reboot-" + UUID.randomUUID().toString().substring(0, 8);

        FleetEvent command = provision(host, 207, true);

        ProvisioningFailed failed = awaitLast(host, command, EventCatalog.PROVISIONING_FAILED,
                EventCatalog.PROVISIONING_SUCCEEDED).dataAs(EventCatalog.PROVISIONING_FAILED);
        assertTrue(failed.reason().contains("host name '" + host + "'"), failed.reason());
        assertTrue(relay.queriesFor(host).isEmpty(), "the adapter is never asked");
    }

    @Test
    void aRejectedCommand_isNotRetried_theRefusalSaysToApplyACorrectedSpec() {
        String host = "badcmd-" + UUID.randomUUID().toString().substring(0, 8);
        FleetEvent command = provision(host, 208, true, null);
        ProvisioningFailed failed = awaitLast(host, command, EventCatalog.PROVISIONING_FAILED,
                EventCatalog.PROVISIONING_SUCCEEDED).dataAs(EventCatalog.PROVISIONING_FAILED);
        assertTrue(failed.reason().contains("rejected: rebuild command is missing"), failed.reason());
        given().post("/sagas/" + host + "/retry?by=it").then().statusCode(409)
                .body("error", org.hamcrest.Matchers.startsWith("host " + host + "'s ProvisionHost command was invalid ("))
                .body("error", org.hamcrest.Matchers.endsWith("a retry would fail the same way: correct the spec and "
                        + "apply a new plan"));
        given().get("/sagas/" + host).then().statusCode(200).body("state", equalTo("failed"));
    }

    private static FleetEvent provision(String host, int vmid, boolean newVm) {
        return topics.provision(host, vmid, newVm, REBUILD);
    }

    private static FleetEvent provision(String host, int vmid, boolean newVm, String rebuild) {
        return topics.provision(host, vmid, newVm, rebuild);
    }

    private void pin(String host, String type, String fingerprint, String blob) throws Exception {
        try (var c = dataSource.getConnection(); var ps = c.prepareStatement("INSERT INTO known_host (host, key_type,"
                + " fingerprint, public_key, first_address) VALUES (?, ?, ?, ?, '10.0.0.99')")) {
            ps.setString(1, host);
            ps.setString(2, type);
            ps.setString(3, fingerprint);
            ps.setString(4, blob);
            ps.executeUpdate();
        }
    }

    private static FleetEvent awaitLast(String host, FleetEvent command, EventKind<?>... kinds) {
        return topics.awaitFirst(host, command, kinds);
    }

    private static <T> T one(String host, FleetEvent command, EventKind<T> kind) {
        List<T> found = topics.all(host, command, kind);
        assertEquals(1, found.size(), kind.type() + " in " + topics.story(host, command));
        return found.get(0);
    }

    private static <T> List<T> all(String host, FleetEvent command, EventKind<T> kind) {
        return topics.all(host, command, kind);
    }

    private static List<FleetEvent> story(String host, FleetEvent command) {
        return topics.story(host, command);
    }
}
