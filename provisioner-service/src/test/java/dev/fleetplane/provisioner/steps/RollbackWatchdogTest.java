package dev.fleetplane.provisioner.steps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.provisioner.ssh.ShellCommand;
import org.junit.jupiter.api.Test;

class RollbackWatchdogTest {

    @Test
    void arm_startsATransientUnitNamedForTheHost_thatWaitsForTheSwitchThenTheConfirmTimeout() {
        String arm = RollbackWatchdog.arm("web1", "/nix/store/abc-nixos-system-web1", 120, 1800, "root");

        assertTrue(arm.startsWith("systemctl stop fleetplane-confirm-web1.service >/dev/null 2>&1;"), arm);
        assertTrue(arm.contains("systemd-run --unit=fleetplane-confirm-web1 "), arm);
        assertTrue(arm.contains("= /nix/store/abc-nixos-system-web1 ]"), arm);
        assertTrue(arm.contains("sleep 120;"), arm);
        assertTrue(arm.contains("-gt 1800 ]"), arm);
        assertTrue(arm.endsWith("nixos-rebuild switch --rollback'"), arm);
        assertEquals("systemctl stop fleetplane-confirm-web1.service 2>/dev/null;"
                + " ! systemctl is-active --quiet fleetplane-confirm-web1.service", RollbackWatchdog.disarm("web1", "root"));
    }

    @Test
    void aLoginUserOtherThanRoot_runsTheWholeCommandUnderOneSudoWithoutPrompt() {
        assertEquals("sudo -n sh -c " + ShellCommand.quote(RollbackWatchdog.arm("web1", "/nix/store/abc", 120, 1800,
                "root")), RollbackWatchdog.arm("web1", "/nix/store/abc", 120, 1800, "ops"));
        assertEquals("sudo -n sh -c 'systemctl stop fleetplane-confirm-web1.service 2>/dev/null;"
                + " ! systemctl is-active --quiet fleetplane-confirm-web1.service'", RollbackWatchdog.disarm("web1", "ops"));
    }

    @Test
    void hostOrSystemPathWithShellMetacharacters_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> RollbackWatchdog.unit("web;reboot"));
        assertThrows(IllegalArgumentException.class,
                () -> RollbackWatchdog.arm("web", "/nix/store/x'; reboot; '", 1, 1, "root"));
    }
}
