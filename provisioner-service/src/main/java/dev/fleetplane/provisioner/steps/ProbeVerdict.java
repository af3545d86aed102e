package dev.fleetplane.provisioner.steps;

/**
 * The probe's verdict after a rebuild: did the guest switch to its new generation, is it still on the old one (cut off
 * before the switch, or rolled back), or is the address not the host answering yet. Decided from what
 * {@code /run/current-system} resolved to before the rebuild, how the rebuild ended and what it resolves to at the
 * probe's login, before and after the rollback watchdog is stopped. Pure: the probe step does the I/O and acts on it.
 *
 * @param answer what the probe found
 * @param reason the words the saga keeps and the log shows
 */
public record ProbeVerdict(Answer answer, String reason) {

    /** What a probe can find. */
    public enum Answer {
        /** {@code /run/current-system} left the system it was before the rebuild: the switch happened. */
        SWITCHED,
        /** Still the system before, after a rebuild that exited 0: the new generation is the one that ran already. */
        UNCHANGED,
        /** Still the system before, and the rebuild never reported success: cut off by a restart, or rolled back. */
        NOT_SWITCHED,
        /** The system changed between the look and the disarm: the watchdog fired, what runs is the rollback's. */
        ROLLED_BACK,
        /** Logged in, but the watchdog could not be stopped (sudo refused?): nothing is confirmed yet. */
        DISARM_REFUSED,
        /** The address answers with another host key: another machine got it. */
        ANOTHER_MACHINE,
        /** No login at the address (yet): sshd not up, network still moving. */
        NOT_ANSWERING
    }

    /** Whether the host is confirmed on the system it should run, so the saga may go on to integrate it. */
    public boolean confirmed() {
        return answer == Answer.SWITCHED || answer == Answer.UNCHANGED;
    }

    /**
     * At the probe's login.
     *
     * @param systemBefore   what {@code /run/current-system} resolved to before the rebuild; null when never read
     * @param rebuildExited0 whether the rebuild reported success (exit 0) rather than losing its connection
     * @param current        what it resolves to now
     */
    public static ProbeVerdict atLogin(String systemBefore, boolean rebuildExited0, String current) {
        if (systemBefore == null) {
            return new ProbeVerdict(Answer.SWITCHED, "runs " + current + " (the system before was never read)");
        }
        if (!current.equals(systemBefore)) {
            return new ProbeVerdict(Answer.SWITCHED, "switched: " + systemBefore + " -> " + current);
        }
        if (rebuildExited0) {
            return new ProbeVerdict(Answer.UNCHANGED, "the rebuild exited 0 and " + current + " still runs: nothing new"
                    + " to activate");
        }
        return new ProbeVerdict(Answer.NOT_SWITCHED, "/run/current-system is still " + current + ": the switch was cut"
                + " off or rolled back");
    }

    /** After the watchdog was stopped, {@code /run/current-system} read again: changed means the watchdog fired first. */
    public ProbeVerdict afterDisarm(String current, String after) {
        if (!after.equals(current)) {
            return new ProbeVerdict(Answer.ROLLED_BACK, "the watchdog rolled back to " + after
                    + " just before it was disarmed");
        }
        return this;
    }

    public static ProbeVerdict disarmRefused(String address, String user, int status, String firstLine) {
        return new ProbeVerdict(Answer.DISARM_REFUSED, "logged in at " + address + " as " + user + " but could not"
                + " disarm the rollback watchdog (status " + status + "; is " + user + " allowed passwordless sudo?): "
                + firstLine);
    }

    /**
     * No login at {@code address}.
     *
     * @param otherHostKey whether the address offered a host key other than the one pinned for {@code host}
     * @param why          the login's failure in words
     */
    public static ProbeVerdict noLogin(String host, String address, boolean otherHostKey, String why) {
        if (otherHostKey) {
            return new ProbeVerdict(Answer.ANOTHER_MACHINE, address + " answers with another host key, so it is not "
                    + host + " (another machine got that address?): " + why);
        }
        return new ProbeVerdict(Answer.NOT_ANSWERING, why);
    }

    /**
     * Before a rebuild: whether the guest already runs another system than the one recorded before an earlier run of
     * the step, i.e. that run switched it and the provisioner restarted before it could say so.
     */
    public static boolean switchedBeforeRestart(String systemBefore, String current) {
        return systemBefore != null && !current.equals(systemBefore);
    }
}
