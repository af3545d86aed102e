package dev.fleetplane.provisioner.steps;

import dev.fleetplane.messaging.Database;
import dev.fleetplane.provisioner.ProvisionerConfig;
import dev.fleetplane.provisioner.rebuild.RebuildTemplate;
import dev.fleetplane.provisioner.saga.ProvisioningSaga;
import dev.fleetplane.provisioner.saga.Saga;
import dev.fleetplane.provisioner.saga.SagaEvents;
import dev.fleetplane.provisioner.saga.SagaState;
import dev.fleetplane.provisioner.saga.SagaStore;
import dev.fleetplane.provisioner.ssh.GuestSession;
import dev.fleetplane.provisioner.ssh.GuestShell;
import dev.fleetplane.provisioner.ssh.SshLoginException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The probe of the confirming step: a login at an address the agent reported, as the host's user (then the bootstrap
 * user) with the pinned host key; {@link ProbeVerdict} decides from {@code /run/current-system} whether the switch
 * took, and a confirmed switch has its watchdog stopped over this fresh connection.
 */
@ApplicationScoped
class ProbeStep implements WorkerStep {

    private static final Logger LOG = Logger.getLogger(ProbeStep.class);

    @Inject
    ProvisionerConfig config;

    @Inject
    Database database;

    @Inject
    SagaStore store;

    @Inject
    SagaEvents events;

    @Inject
    StepRecorder recorder;

    @Inject
    ProvisioningSaga saga;

    @Inject
    GuestShell shell;

    @Inject
    WatchdogOnGuest watchdog;

    @Override
    public SagaState state() {
        return SagaState.CONFIRMING;
    }

    @Override
    public SagaState run(String host, String address) {
        Optional<Saga> found = recorder.load(host, SagaState.CONFIRMING).filter(Saga::probing);
        if (found.isEmpty()) {
            return null;
        }
        Saga s = found.get();
        try (GuestSession g = shell.openAs(s.host(), address, CurrentSystem.users(s.user(),
                config.ssh().bootstrapUser()))) {
            String current = CurrentSystem.read(g);
            ProbeVerdict verdict = ProbeVerdict.atLogin(s.systemBefore(), Saga.EXITED_0.equals(s.rebuildOutcome()),
                    current);
            if (!verdict.confirmed()) {
                Saga next = recorder.record(s, cur -> saga.notSwitched(cur, address, current), (c, n) -> {
                    if (n.state() == SagaState.FAILED) {
                        events.failed(c, n, n.failedStep(), n.lastReason(), n.rebuildTail());
                    }
                });
                LOG.warnf("%s answers, but %s: %s", address, verdict.reason(),
                        next == null ? "(saga changed)" : next.lastReason());
                return next != null && next.state() == SagaState.REBUILDING ? SagaState.REBUILDING : null;
            }
            if (config.rollback().enabled()) {
                GuestSession.Captured d = watchdog.disarm(g, s);
                verdict = d.ok() ? verdict.afterDisarm(current, CurrentSystem.read(g))
                        : ProbeVerdict.disarmRefused(address, g.user(), d.status(), StepText.firstLine(d.output()));
                if (!verdict.confirmed()) {
                    notYet(s, address, verdict);
                    return null;
                }
            }
            String from = s.ip();
            String command = s.rebuildRan() != null ? s.rebuildRan()
                    : RebuildTemplate.render(s.rebuildCommand(), s.host(), address, s.user());
            recorder.record(s, cur -> saga.confirmed(cur, address), (c, next) -> {
                if (from != null && !from.equals(address)) {
                    events.ipChanged(c, next, from, address);
                }
                events.rebuildSucceeded(c, next, command, next.rebuildTail(), current);
            });
            LOG.infof("switch confirmed at %s as %s: %s -> %s%s", address,
                    g.user(), s.systemBefore(), current, from != null && !from.equals(address)
                            ? " (address changed from " + from + ")" : "");
            return SagaState.INTEGRATING;
        } catch (SshLoginException e) {
            notYet(s, address, ProbeVerdict.noLogin(host, address,
                    e.kind() == SshLoginException.Kind.HOST_KEY_CHANGED, e.getMessage()));
            return null;
        } catch (IllegalArgumentException e) {
            recorder.fail(s, ProvisioningSaga.STEP_CONFIRM, e.getMessage(), List.of());
            return null;
        }
    }

    /** Not confirmed at this address: the saga asks the agent again, until its confirm deadline. */
    private void notYet(Saga s, String address, ProbeVerdict verdict) {
        recorder.record(s, cur -> saga.probeFailed(cur, verdict.reason(), Instant.now()));
        LOG.infof("not confirmed at %s yet: %s", address, verdict.reason());
    }

    /** A probe that could not run: the saga asks the agent again. */
    void release(String host) {
        database.inTransaction(c -> {
            Optional<Saga> s = store.lock(c, host).filter(x -> x.state() == SagaState.CONFIRMING && x.probing());
            if (s.isPresent()) {
                store.save(c, saga.probeFailed(s.get(), "probe not run (worker busy)", Instant.now()));
            }
            return null;
        });
    }
}
