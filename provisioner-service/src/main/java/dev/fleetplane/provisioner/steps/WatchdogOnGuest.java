package dev.fleetplane.provisioner.steps;

import dev.fleetplane.provisioner.ProvisionerConfig;
import dev.fleetplane.provisioner.saga.ProvisioningSaga;
import dev.fleetplane.provisioner.saga.Saga;
import dev.fleetplane.provisioner.ssh.GuestSession;
import dev.fleetplane.provisioner.ssh.SshLoginException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import org.jboss.logging.Logger;

/** Arms and stops the {@link RollbackWatchdog} over a step's SSH connection. */
@ApplicationScoped
class WatchdogOnGuest {

    private static final Logger LOG = Logger.getLogger(WatchdogOnGuest.class);

    @Inject
    ProvisionerConfig config;

    /** Before the rebuild, on the system {@code current}; fails the step when the guest refuses it. */
    void arm(GuestSession g, Saga s, String current) throws SshLoginException, StepFailure {
        long confirm = Math.max(1, config.rollback().confirmTimeout().toSeconds());
        long maxWait = Math.max(1, config.rebuild().timeout().toSeconds());
        String arm;
        try {
            arm = RollbackWatchdog.arm(s.host(), current, confirm, maxWait, g.user());
        } catch (IllegalArgumentException e) {
            throw new StepFailure(ProvisioningSaga.STEP_REBUILD, "cannot arm the rollback watchdog: " + e.getMessage(),
                    List.of());
        }
        GuestSession.Captured out = g.capture(arm, CurrentSystem.SHORT);
        if (!out.ok()) {
            throw new StepFailure(ProvisioningSaga.STEP_REBUILD, "cannot arm the rollback watchdog on " + g.where()
                    + " (systemd-run exited " + out.status() + "); set fleetplane.provisioner.rollback.enabled=false"
                    + " for guests without systemd", StepText.lastLines(out.output(), 10));
        }
        LOG.infof("rollback watchdog %s armed: %d s after the switch unless confirmed", RollbackWatchdog.unit(s.host()),
                confirm);
    }

    /** Stops it; the answer's status says whether it no longer runs. */
    GuestSession.Captured disarm(GuestSession g, Saga s) throws SshLoginException {
        return g.capture(RollbackWatchdog.disarm(s.host(), g.user()), CurrentSystem.SHORT);
    }

    /** After a rebuild that failed: the old system must not be rolled back to an older one later. */
    void disarmQuietly(GuestSession g, Saga s) {
        try {
            disarm(g, s);
        } catch (SshLoginException e) {
            LOG.debugf("disarming the watchdog after a failed rebuild: %s", e.getMessage());
        }
    }
}
