package dev.fleetplane.provisioner.steps;

import dev.fleetplane.provisioner.rebuild.RebuildTemplate;
import dev.fleetplane.provisioner.ssh.ShellCommand;

/**
 * The guest side of magic rollback, as plain NixOS commands. Armed before the rebuild: a transient systemd unit that
 * waits until {@code /run/current-system} leaves the system it was armed on, then waits the confirm timeout, then runs
 * {@code nixos-rebuild switch --rollback}. fleetplane disarms it ({@code systemctl stop}) over a fresh SSH connection
 * once the host answers after the switch. Unlike a plain timer armed before the build, the countdown starts at the
 * switch, however long the build took. Pure: builds command lines.
 */
public final class RollbackWatchdog {

    private RollbackWatchdog() {
    }

    /** The unit's name for {@code host} (a checked host label, so it needs no quoting). */
    public static String unit(String host) {
        RebuildTemplate.hostProblem(host).ifPresent(p -> {
            throw new IllegalArgumentException(p);
        });
        return "fleetplane-confirm-" + host;
    }

    /**
     * @param systemBefore      the store path {@code /run/current-system} resolves to now
     * @param confirmSeconds    how long after the switch the host has to be confirmed
     * @param maxWaitSeconds    how long to wait for a switch at all (the rebuild's time limit); then it just ends
     * @param loginUser         who runs it: a user other than root goes through {@code sudo -n}
     */
    public static String arm(String host, String systemBefore, long confirmSeconds, long maxWaitSeconds,
                             String loginUser) {
        if (!systemBefore.matches("/[A-Za-z0-9._+/-]+")) {
            throw new IllegalArgumentException("unexpected current system path '" + systemBefore + "'");
        }
        String unit = unit(host);
        String script = "i=0; while [ \"$(readlink -f /run/current-system)\" = " + systemBefore + " ]; do"
                + " i=$((i+1)); if [ $i -gt " + maxWaitSeconds + " ]; then exit 0; fi; sleep 1; done;"
                + " sleep " + confirmSeconds + ";"
                + " echo 'fleetplane: switch not confirmed within " + confirmSeconds + " s, rolling back';"
                + " PATH=/run/current-system/sw/bin:$PATH nixos-rebuild switch --rollback";
        // A unit left by an earlier run of this host is stopped first: systemd-run refuses a name in use.
        return ShellCommand.asRoot(loginUser, "systemctl stop " + unit + ".service >/dev/null 2>&1; systemctl"
                + " reset-failed " + unit + ".service >/dev/null 2>&1; systemd-run --unit=" + unit + " --description="
                + ShellCommand.quote("fleetplane: roll back " + host + " unless confirmed") + " /bin/sh -c "
                + ShellCommand.quote(script));
    }

    /**
     * Stops the watchdog: exit 0 when it no longer runs afterwards (also when it was gone already, which systemd
     * reports as "not loaded" for a transient unit); a refused sudo exits non-zero.
     */
    public static String disarm(String host, String loginUser) {
        return ShellCommand.asRoot(loginUser, "systemctl stop " + unit(host) + ".service 2>/dev/null; ! systemctl"
                + " is-active --quiet " + unit(host) + ".service");
    }
}
