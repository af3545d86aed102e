package dev.fleetplane.provisioner.steps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RollbackWatchdogTest {

    @Test
    void arm_startsATransientUnitNamedForTheHost_thatWaitsForTheSwitchThenTheConfirmTimeout() {
        String arm = RollbackWatchdog.arm("web1", "/nix/store/abc-nixos-system-web1", 120, 1800, false);

        assertTrue(arm.startsWith("systemctl stop fleetplane-confirm-web1.service >/dev/null 2>&1;"), arm);
        assertTrue(arm.contains("systemd-run --unit=fleetplane-confirm-web1 "), arm);
        assertTrue(arm.contains("= /nix/store/abc-nixos-system-web1 ]"), arm);
        assertTrue(arm.contains("sleep 120;"), arm);
        assertTrue(arm.contains("-gt 1800 ]"), arm);
        assertTrue(arm.endsWith("nixos-rebuild switch --rollback'"), arm);
        assertEquals("systemctl stop fleetplane-confirm-web1.service 2>/dev/null;"
                + " ! systemctl is-active --quiet fleetplane-confirm-web1.service", RollbackWatchdog.disarm("web1", false));
    }

    @Test
    void aLoginUserOtherThanRoot_runsEverySystemdCommandThroughSudoWithoutPrompt() {
        String arm = RollbackWatchdog.arm("web1", "/nix/store/abc", 120, 1800, true);
        assertTrue(arm.startsWith("sudo -n systemctl stop "), arm);
        assertTrue(arm.contains("; sudo -n systemctl reset-failed "), arm);
        assertTrue(arm.contains("; sudo -n systemd-run --unit="), arm);
        assertTrue(RollbackWatchdog.disarm("web1", true).contains("! sudo -n systemctl is-active"));
    }

    @Test
    void hostOrSystemPathWithShellMetacharacters_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> RollbackWatchdog.unit("web;reboot"));
        assertThrows(IllegalArgumentException.class,
                () -> RollbackWatchdog.arm("web", "/nix/store/x'; reboot; '", 1, 1, false));
    }
}
