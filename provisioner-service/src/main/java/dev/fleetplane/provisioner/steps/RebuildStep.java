package dev.fleetplane.provisioner.steps;

import dev.fleetplane.provisioner.ProvisionerConfig;
import dev.fleetplane.provisioner.checkout.OperatorCheckout;
import dev.fleetplane.provisioner.rebuild.RebuildTemplate;
import dev.fleetplane.provisioner.saga.ProvisioningSaga;
import dev.fleetplane.provisioner.saga.Saga;
import dev.fleetplane.provisioner.saga.SagaState;
import dev.fleetplane.provisioner.ssh.GuestSession;
import dev.fleetplane.provisioner.ssh.GuestShell;
import dev.fleetplane.provisioner.ssh.RemoteRun;
import dev.fleetplane.provisioner.ssh.SshLoginException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The rebuild step, on one SSH connection: wait for sshd, read the current system (a switch that happened before a
 * restart goes straight to confirming), the hardware configuration, arm the rollback watchdog, run the rebuild (on the
 * guest, or from the operator's checkout). Exit 0 or a dropped connection leaves the saga confirming; any other end
 * disarms the watchdog and fails the step.
 */
@ApplicationScoped
class RebuildStep implements WorkerStep {

    private static final Logger LOG = Logger.getLogger(RebuildStep.class);

    @Inject
    ProvisionerConfig config;

    @Inject
    StepRecorder recorder;

    @Inject
    ProvisioningSaga saga;

    @Inject
    GuestShell shell;

    @Inject
    HardwareConfigStep hardwareConfig;

    @Inject
    WatchdogOnGuest watchdog;

    @Inject
    OperatorCheckout checkout;

    @Inject
    GuestRebuild onGuest;

    @Inject
    CheckoutRebuild fromCheckout;

    @Override
    public SagaState state() {
        return SagaState.REBUILDING;
    }

    @Override
    public SagaState run(String host, String address) {
        Optional<Saga> found = recorder.load(host, SagaState.REBUILDING);
        if (found.isEmpty()) {
            return null;
        }
        Saga s = found.get();
        String command;
        try {
            command = RebuildTemplate.render(s.rebuildCommand(), s.host(), s.ip(), s.user());
        } catch (IllegalArgumentException e) {
            recorder.fail(s, ProvisioningSaga.STEP_REBUILD, e.getMessage(), List.of());
            return null;
        }
        try (GuestSession g = shell.awaitLogin(s.host(), s.ip(),
                CurrentSystem.users(config.ssh().bootstrapUser(), s.user()), config.ssh().waitTimeout(),
                reason -> waitingForSsh(s, reason))) {
            String current = CurrentSystem.read(g);
            if (ProbeVerdict.switchedBeforeRestart(s.systemBefore(), current)) {
                recorder.record(s, cur -> saga.alreadySwitched(cur, Instant.now()));
                LOG.infof("the switch to %s already happened (before a restart); confirming it", current);
                return null;
            }
            Saga ready = recorder.record(s, cur -> saga.beforeRebuild(cur, current));
            if (ready == null) {
                return null;
            }
            if (config.hardwareConfig().enabled()) {
                hardwareConfig.run(g, ready);
            }
            boolean armed = config.rollback().enabled();
            if (armed) {
                watchdog.arm(g, ready, current);
            }
            RebuildRun run;
            try {
                run = checkout.path().isPresent() ? fromCheckout.run(g, ready) : onGuest.run(g, ready, command);
            } catch (StepFailure f) {
                if (armed) {
                    watchdog.disarmQuietly(g, ready);
                }
                throw f;
            }
            afterRun(g, ready, run, armed);
        } catch (SshLoginException e) {
            recorder.fail(s, ProvisioningSaga.STEP_SSH, e.getMessage(), List.of());
        } catch (StepFailure f) {
            recorder.fail(s, f);
        }
        return null;
    }

    /** How the rebuild ended decides the next step: confirm after exit 0 or a dropped connection, else fail. */
    private void afterRun(GuestSession g, Saga s, RebuildRun ended, boolean armed) throws StepFailure {
        RemoteRun run = ended.run();
        List<String> tail = ended.tail().lines();
        if (run instanceof RemoteRun.Exited x && x.status() == 0) {
            recorder.record(s, cur -> saga.afterRebuild(cur, Saga.EXITED_0, x.duration(), tail, ended.ran(),
                    Instant.now()));
            LOG.infof("rebuild exited 0 after %s (%d output lines); confirming over a fresh connection",
                    StepText.seconds(x.duration()), ended.tail().totalLines());
            return;
        }
        if (run instanceof RemoteRun.ConnectionLost lost) {
            recorder.record(s, cur -> saga.afterRebuild(cur, Saga.CONNECTION_LOST, lost.duration(), tail, ended.ran(),
                    Instant.now()));
            LOG.infof("the SSH connection dropped %s into the rebuild (%s): the switch restarted the"
                    + " network; finding the guest again through its agent",
                    StepText.seconds(lost.duration()), lost.reason());
            return;
        }
        if (armed) {
            watchdog.disarmQuietly(g, s);
        }
        throw new StepFailure(ProvisioningSaga.STEP_REBUILD, failure(run), tail);
    }

    private String failure(RemoteRun run) {
        if (run instanceof RemoteRun.Exited x) {
            return "the rebuild command exited with status " + x.status() + " after " + StepText.seconds(x.duration());
        }
        if (run instanceof RemoteRun.Signalled x) {
            return "the rebuild command was killed by signal " + x.signal() + " after "
                    + StepText.seconds(x.duration());
        }
        return "the rebuild command ran longer than " + StepText.seconds(config.rebuild().timeout())
                + " (fleetplane.provisioner.rebuild.timeout) and was cut off";
    }

    private void waitingForSsh(Saga s, String reason) {
        recorder.record(s, cur -> saga.waitingForSsh(cur, reason));
        LOG.infof("waiting for sshd at %s: %s", s.ip(), reason);
    }
}
