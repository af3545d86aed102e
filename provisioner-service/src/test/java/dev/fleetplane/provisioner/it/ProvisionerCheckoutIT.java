package dev.fleetplane.provisioner.it;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.EventKind;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.provisioning.HardwareConfigGenerated;
import dev.fleetplane.events.provisioning.IpChanged;
import dev.fleetplane.events.provisioning.ProvisioningFailed;
import dev.fleetplane.events.provisioning.ProvisioningSucceeded;
import dev.fleetplane.events.provisioning.RebuildOutput;
import dev.fleetplane.events.provisioning.RebuildSucceeded;
import dev.fleetplane.localstack.quarkus.LocalStackTestResource;
import dev.fleetplane.localstack.quarkus.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Rebuild from the operator's checkout (a real git repository) and the wait for a guest's sshd, through the
 * provisioner's topics against real Kafka and PostgreSQL and netns guests with a real sshd. The stand-in nixos-rebuild
 * of the operator's machine sees only what git knows and activates on the guest over real ssh with the provisioner's
 * NIX_SSHOPTS (pinned host key, fleet identity); the guest's switch moves it to a new DHCP address mid-connection.
 */
@QuarkusTest
@QuarkusTestResource(LocalStackTestResource.class)
@QuarkusTestResource(SimulatedGuests.class)
@QuarkusTestResource(value = OperatorCheckoutRepo.class, restrictToAnnotatedClass = true)
class ProvisionerCheckoutIT {

    /** What the planner sends; in checkout mode the provisioner runs its own command line instead. */
    private static final String REBUILD = "nixos-rebuild switch --flake /etc/nixos#{host}";

    private static AgentRelay relay;
    private static ProvisioningTopics topics;

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
    void checkoutMode_stagesTheHardwareConfigInTheRepo_rebuildsFromItOverSsh_followsTheIpChange_andTheHostIsReady()
            throws Exception {
        int vmid = 311;
        String host = "repo1";
        String file = "hosts/" + host + "/hardware-configuration.nix";
        String head = OperatorCheckoutRepo.git("rev-parse", "HEAD").strip();
        assertFalse(OperatorCheckoutRepo.git("ls-files").contains(file));
        SimulatedGuests.startVm(vmid, host);
        String before = SimulatedGuests.currentSystem(vmid);

        FleetEvent command = topics.provision(host, vmid, true, REBUILD);
        FleetEvent done = topics.awaitEnd(host, command);

        assertTrue(done.is(EventCatalog.PROVISIONING_SUCCEEDED), done + " in " + topics.story(host, command));
        // The hardware configuration is in the operator's repository, staged (git add), not committed.
        HardwareConfigGenerated hardware = one(host, command, EventCatalog.HARDWARE_CONFIG_GENERATED);
        assertEquals("stored", hardware.action());
        assertEquals(file, hardware.path());
        assertEquals(hardware.content(), Files.readString(OperatorCheckoutRepo.checkout.resolve(file)));
        assertTrue(hardware.content().contains("fileSystems"), hardware.content());
        assertEquals(List.of(file), OperatorCheckoutRepo.git("diff", "--cached", "--name-only").lines().toList());
        assertEquals(head, OperatorCheckoutRepo.git("rev-parse", "HEAD").strip(), "fleetplane never commits");
        // It was staged before the rebuild: the guest runs what the stand-in built from the staged file (its blob).
        String blob = OperatorCheckoutRepo.git("rev-parse", ":" + file).strip();
        Path system = Path.of(SimulatedGuests.currentSystem(vmid));
        assertEquals("checkout-" + blob + "#" + host, Files.readString(system.resolve("flake")).strip());

        // The switch moved the guest to a new address; the local ssh dropped, the agent told the new one.
        String first = one(host, command, EventCatalog.IP_RESOLVED).ip();
        IpChanged moved = one(host, command, EventCatalog.IP_CHANGED);
        assertEquals(first, moved.from());
        assertNotEquals(first, moved.to());
        assertEquals(SimulatedGuests.sim.guestAddress(vmid), moved.to());
        assertEquals(new ProvisioningSucceeded(host, vmid, moved.to()), done.dataAs(EventCatalog.PROVISIONING_SUCCEEDED));
        RebuildSucceeded rebuilt = one(host, command, EventCatalog.REBUILD_SUCCEEDED);
        assertTrue(rebuilt.connectionDropped(), "the local nixos-rebuild's ssh died with the old address");
        assertTrue(rebuilt.outputTail().stream().anyMatch(l -> l.startsWith("Timeout, server " + first)),
                rebuilt.outputTail().toString());
        assertEquals(OperatorCheckoutRepo.nixosRebuild + " switch --flake " + OperatorCheckoutRepo.checkout + "#" + host
                + " --target-host root@" + first, rebuilt.command(), "as it ran: root may log in before the switch");
        assertEquals(before, rebuilt.systemBefore());
        assertEquals(system.toString(), rebuilt.systemAfter());
        List<RebuildOutput> output = topics.all(host, command, EventCatalog.REBUILD_OUTPUT);
        assertEquals("building the system configuration...", output.get(0).lines().get(0), "streamed as it ran");
        assertTrue(output.stream().flatMap(o -> o.lines().stream()).anyMatch("copying 1 paths..."::equals));
        given().get("/sagas/" + host).then().statusCode(200).body("state", equalTo("succeeded"));

        // Again: root may not log in any more, so the rebuild targets ops@ with sudo; the file is unchanged.
        FleetEvent again = topics.provision(host, vmid, false, REBUILD);
        FleetEvent end = topics.awaitEnd(host, again);
        assertTrue(end.is(EventCatalog.PROVISIONING_SUCCEEDED), end + " in " + topics.story(host, again));
        HardwareConfigGenerated unchanged = one(host, again, EventCatalog.HARDWARE_CONFIG_GENERATED);
        assertEquals("unchanged", unchanged.action());
        assertEquals(file, unchanged.path());
        RebuildSucceeded second = one(host, again, EventCatalog.REBUILD_SUCCEEDED);
        assertFalse(second.connectionDropped());
        assertEquals(rebuilt.systemAfter(), second.systemAfter());
        assertEquals(OperatorCheckoutRepo.nixosRebuild + " switch --flake " + OperatorCheckoutRepo.checkout + "#" + host
                + " --target-host " + SimulatedGuests.ADMIN + "@" + moved.to() + " --use-remote-sudo", second.command());
    }

    @Test
    void checkoutThatIsNotAGitRepository_isRefusedAtStepHardwareConfig_namingWhy() throws Exception {
        int vmid = 312;
        String host = "nogit1";
        Path git = OperatorCheckoutRepo.checkout.resolve(".git");
        Path away = OperatorCheckoutRepo.checkout.resolveSibling("git-away");
        SimulatedGuests.startVm(vmid, host);
        Files.move(git, away);
        try {
            FleetEvent command = topics.provision(host, vmid, true, REBUILD);
            ProvisioningFailed failed = topics.awaitFirst(host, command, EventCatalog.PROVISIONING_FAILED,
                    EventCatalog.PROVISIONING_SUCCEEDED).dataAs(EventCatalog.PROVISIONING_FAILED);

            assertEquals("hardware-config", failed.step());
            assertTrue(failed.reason().startsWith("fleetplane.provisioner.checkout.path = "
                    + OperatorCheckoutRepo.checkout + " is not a git work tree (git rev-parse: fatal: not a git"
                    + " repository"), failed.reason());
            assertTrue(failed.reason().contains("run `git init` in it"), failed.reason());
            assertFalse(Files.exists(OperatorCheckoutRepo.checkout.resolve("hosts/" + host
                    + "/hardware-configuration.nix")), "nothing written into a checkout it refused");
        } finally {
            Files.move(away, git);
        }
    }

    @Test
    void sshdThatComesUpAfterTheAgentReportedTheAddress_isWaitedFor_andTheHostProvisioned() {
        int vmid = 313;
        String host = "late2";
        SimulatedGuests.startVm(vmid, host);
        SimulatedGuests.sim.stopGuestSshd(vmid);

        FleetEvent command = topics.provision(host, vmid, true, REBUILD);
        await().atMost(ProvisioningTopics.WAIT).untilAsserted(() -> given().get("/sagas/" + host).then()
                .statusCode(200).body("state", equalTo("rebuilding"),
                        "lastReason", containsString("waiting for sshd: cannot connect to root@"),
                        "lastReason", containsString("Connection refused")));
        SimulatedGuests.sim.startGuestSshd(vmid);

        FleetEvent done = topics.awaitEnd(host, command);
        assertTrue(done.is(EventCatalog.PROVISIONING_SUCCEEDED), done + " in " + topics.story(host, command));
        assertEquals(SimulatedGuests.sim.guestAddress(vmid), done.dataAs(EventCatalog.PROVISIONING_SUCCEEDED).ip());
    }

    @Test
    void sshdThatNeverComesUp_failsAtStepSshAfterTheConfiguredWait_namingTheLastReason() {
        int vmid = 314;
        String host = "never1";
        SimulatedGuests.startVm(vmid, host);
        SimulatedGuests.sim.stopGuestSshd(vmid);

        FleetEvent command = topics.provision(host, vmid, true, REBUILD);
        ProvisioningFailed failed = topics.awaitFirst(host, command, EventCatalog.PROVISIONING_FAILED,
                EventCatalog.PROVISIONING_SUCCEEDED).dataAs(EventCatalog.PROVISIONING_FAILED);

        String ip = one(host, command, EventCatalog.IP_RESOLVED).ip();
        assertEquals("ssh", failed.step());
        assertTrue(failed.reason().startsWith("the sshd of " + host + " at " + ip + ":22 did not accept a login within "
                + OperatorCheckoutRepo.SSH_WAIT.toSeconds() + " s (fleetplane.provisioner.ssh.wait-timeout; "),
                failed.reason());
        assertTrue(failed.reason().contains("last attempt: cannot connect to root@" + ip + ":22: ConnectException:"
                + " Connection refused"), failed.reason());
        given().get("/sagas/" + host).then().statusCode(200).body("state", equalTo("failed"),
                "failedStep", equalTo("ssh"));
    }

    private static <T> T one(String host, FleetEvent command, EventKind<T> kind) {
        List<T> found = topics.all(host, command, kind);
        assertEquals(1, found.size(), kind.type() + " in " + topics.story(host, command));
        return found.get(0);
    }
}
