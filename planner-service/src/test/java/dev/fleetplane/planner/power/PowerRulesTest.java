package dev.fleetplane.planner.power;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.planner.lifecycle.HostState;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PowerRulesTest {

    static PowerTarget host(HostState state, boolean readonly) {
        return new PowerTarget("home", "web", 111, "web", "pve", false, readonly, state);
    }

    static final PowerTarget UNOWNED = new PowerTarget(null, null, 150, "hand-made", "pve", false, false, null);

    @Test
    void aSettledHost_mayBeDrivenWithoutForce() {
        for (PowerAction a : PowerAction.values()) {
            assertEquals(Optional.empty(), PowerRules.refusal(a, host(HostState.Ready, false), false));
            assertEquals(Optional.empty(), PowerRules.refusal(a, host(HostState.Adopted, false), false));
            assertEquals(Optional.empty(), PowerRules.refusal(a, host(HostState.Failed, false), false));
            assertEquals(Optional.empty(), PowerRules.refusal(a, host(null, false), false));
        }
    }

    @Test
    void aReadonlyHost_isRefused_evenWithForce() {
        for (boolean force : new boolean[] {false, true}) {
            String why = PowerRules.refusal(PowerAction.REBOOT, host(HostState.Adopted, true), force).orElseThrow();
            assertTrue(why.startsWith("host web (VMID 111) is readonly in the applied spec of fleet home"
                    + " (hosts.web.proxmox.readonly = true)"), why);
            assertTrue(why.contains("--force does not override the spec"), why);
        }
    }

    @Test
    void aVmThatIsNoHost_isRefusedNamingTheVmidAndForce_andAllowedWithForce() {
        assertEquals(Optional.of("VM 150 (hand-made) is not a host of any applied spec: fleetplane does not own it;"
                + " repeat with --force to shutdown VM 150 anyway"), PowerRules.refusal(PowerAction.SHUTDOWN, UNOWNED, false));
        assertEquals(Optional.empty(), PowerRules.refusal(PowerAction.SHUTDOWN, UNOWNED, true));
    }

    @Test
    void aHostWithAStepInFlight_needsForce() {
        String why = PowerRules.refusal(PowerAction.STOP, host(HostState.Provisioning, false), false).orElseThrow();
        assertEquals("host web (VMID 111) is in the middle of a plan (Provisioning); a stop now would interfere with"
                + " that step; wait until it settles, or repeat with --force", why);
        assertEquals(Optional.empty(), PowerRules.refusal(PowerAction.STOP, host(HostState.Provisioning, false), true));
        assertEquals(Optional.empty(), PowerRules.refusal(PowerAction.STOP, host(HostState.Pending, false), false),
                "a pending host has nothing in flight yet");
    }

    @Test
    void aTemplate_isNeverPowered() {
        PowerTarget template = new PowerTarget(null, null, 9003, "nixos-template", "pve", true, false, null);
        assertEquals(Optional.of("VM 9003 (nixos-template) is a template; templates are never started or stopped"),
                PowerRules.refusal(PowerAction.START, template, true));
    }

    @Test
    void actions_parseFromTheirWords_only() {
        assertEquals(Optional.of(PowerAction.REBOOT), PowerAction.parse("reboot"));
        assertEquals(Optional.of(PowerAction.SHUTDOWN), PowerAction.parse(" Shutdown "));
        assertEquals(Optional.empty(), PowerAction.parse("hibernate"));
        assertEquals(Optional.empty(), PowerAction.parse(null));
    }
}
