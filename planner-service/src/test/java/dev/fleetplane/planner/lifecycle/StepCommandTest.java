package dev.fleetplane.planner.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.EventKind;
import dev.fleetplane.events.plans.AttributeChange;
import dev.fleetplane.events.plans.PlannedChange;
import dev.fleetplane.events.provisioning.ProvisionHost;
import dev.fleetplane.events.pve.CloneVm;
import dev.fleetplane.events.pve.ConfigureVm;
import dev.fleetplane.events.pve.DestroyVm;
import dev.fleetplane.events.pve.ResizeDisk;
import dev.fleetplane.events.pve.StartVm;
import dev.fleetplane.events.pve.StopVm;
import dev.fleetplane.planner.lifecycle.HostLifecycle.Origin;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The command a host sends on entering each state. */
class StepCommandTest {

    static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    static final HostDesired DESIRED = new HostDesired(111, "web", 4, 4096, "64G", "local-lvm", 9003, "admin",
            "nixos-rebuild switch --flake /etc/nixos#web", "virtio0", Map.of("cpu", "host", "onboot", "0"));

    static final Map<HostState, EventKind<?>> SENDS = new EnumMap<>(Map.of(
            HostState.Cloning, EventCatalog.CLONE_VM,
            HostState.Configuring, EventCatalog.CONFIGURE_VM,
            HostState.Updating, EventCatalog.CONFIGURE_VM,
            HostState.Resizing, EventCatalog.RESIZE_DISK,
            HostState.Starting, EventCatalog.START_VM,
            HostState.Provisioning, EventCatalog.PROVISION_HOST,
            HostState.Stopping, EventCatalog.STOP_VM,
            HostState.Destroying, EventCatalog.DESTROY_VM));

    static HostRecord host(String action, AttributeChange... attributes) {
        return new HostRecord("home", "web", 111, "pve", HostState.Pending, null, null, null, "plan-1", DESIRED,
                new PlannedChange("web", action, 111, "pve", List.of(), List.of(attributes), null), Origin.created,
                null, null, null, null, null);
    }

    static Object payload(HostRecord h, HostState state) {
        return StepCommand.entering(h, state, STOP_TIMEOUT).orElseThrow().payload();
    }

    @ParameterizedTest
    @EnumSource(HostState.class)
    void everyStateWithAStepInFlight_sendsItsCommand_andNoOtherStateSendsAny(HostState state) {
        Optional<StepCommand<?>> command = StepCommand.entering(host("replace"), state, STOP_TIMEOUT);
        assertEquals(Optional.ofNullable(SENDS.get(state)), command.map(StepCommand::kind), state.name());
        assertEquals(state.inFlight(), command.isPresent(), "a state waits on an answer exactly when it sent a command");
        command.ifPresent(c -> assertTrue(c.kind().dataType().isInstance(c.payload()), c.toString()));
    }

    @Test
    void cloning_clonesTheTemplate_fullyOntoTheDesiredStorage() {
        assertEquals(new CloneVm("pve", 9003, 111, "web", "local-lvm", true), payload(host("create"), HostState.Cloning));
    }

    @Test
    void configuring_aFreshClone_sendsTheCreateConfig() {
        ConfigureVm configure = (ConfigureVm) payload(host("create"), HostState.Configuring);
        assertEquals(new ConfigureVm("pve", 111, 4, 4096, VmConfig.forCreate(DESIRED, "home", "web")), configure);
        assertEquals("web", configure.extra().get("name"));
        assertEquals("1", configure.extra().get("agent"));
        assertEquals("host", configure.extra().get("cpu"));
    }

    @Test
    void updating_sendsTheDesiredCoresAndMemory_andExactlyTheChangedKeys() {
        ConfigureVm configure = (ConfigureVm) payload(host("update", new AttributeChange("cores", "2", "4", false),
                new AttributeChange("cpuType", "kvm64", "host", false)), HostState.Updating);
        assertEquals(new ConfigureVm("pve", 111, 4, 4096, Map.of("cpu", "host")), configure);
    }

    @Test
    void resizing_growsTheDesiredDisk_toItsAbsoluteSize() {
        assertEquals(new ResizeDisk("pve", 111, "virtio0", "64G"), payload(host("grow-disk"), HostState.Resizing));
    }

    @Test
    void starting_startsTheVm() {
        assertEquals(new StartVm("pve", 111), payload(host("create"), HostState.Starting));
    }

    @Test
    void provisioning_saysWhetherTheVmIsNew() {
        assertEquals(new ProvisionHost("web", "pve", 111, "admin", "nixos-rebuild switch --flake /etc/nixos#web", true),
                payload(host("create"), HostState.Provisioning));
        assertEquals(Boolean.TRUE, ((ProvisionHost) payload(host("replace"), HostState.Provisioning)).newVm());
        assertEquals(Boolean.FALSE, ((ProvisionHost) payload(host("update"), HostState.Provisioning)).newVm());
    }

    @Test
    void stopping_isGraceful_withTheStopTimeout() {
        assertEquals(new StopVm("pve", 111, true, 60), payload(host("destroy"), HostState.Stopping));
    }

    @Test
    void destroying_namesTheVmThatExists_evenWhenTheChangeRenamesIt() {
        assertEquals(new DestroyVm("pve", 111, "web"), payload(host("destroy"), HostState.Destroying));
        assertEquals(new DestroyVm("pve", 111, "old-web"),
                payload(host("replace", new AttributeChange("name", "old-web", "web", true)), HostState.Destroying));
    }

    @Test
    void settledAndWaitingStates_sendNothing() {
        for (HostState state : List.of(HostState.Pending, HostState.Ready, HostState.Adopted, HostState.Drifted,
                HostState.Gone, HostState.Failed)) {
            assertFalse(StepCommand.entering(host("create"), state, STOP_TIMEOUT).isPresent(), state.name());
        }
    }
}
