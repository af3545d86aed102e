package dev.fleetplane.provisioner.steps;

import dev.fleetplane.provisioner.ProvisionerConfig;
import dev.fleetplane.provisioner.saga.ProvisioningSaga;
import dev.fleetplane.provisioner.saga.Saga;
import dev.fleetplane.provisioner.saga.SagaEvents;
import dev.fleetplane.provisioner.saga.SagaState;
import dev.fleetplane.provisioner.ssh.GuestSession;
import dev.fleetplane.provisioner.ssh.GuestShell;
import dev.fleetplane.provisioner.ssh.SshLoginException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The integrating step at the confirmed address: {@link Integration}'s host key, age recipient and optional Tailscale
 * enrolment, stored with {@code HostKeyDiscovered} and {@code ProvisioningSucceeded}.
 */
@ApplicationScoped
class IntegrateStep implements WorkerStep {

    private static final Logger LOG = Logger.getLogger(IntegrateStep.class);

    @Inject
    ProvisionerConfig config;

    @Inject
    StepRecorder recorder;

    @Inject
    SagaEvents events;

    @Inject
    ProvisioningSaga saga;

    @Inject
    GuestShell shell;

    @Inject
    Integration integration;

    @Override
    public SagaState state() {
        return SagaState.INTEGRATING;
    }

    @Override
    public SagaState run(String host, String address) {
        Optional<Saga> found = recorder.load(host, SagaState.INTEGRATING);
        if (found.isEmpty()) {
            return null;
        }
        Saga s = found.get();
        try (GuestSession g = shell.openAs(s.host(), s.ip(), CurrentSystem.users(s.user(),
                config.ssh().bootstrapUser()))) {
            Integration.Result result = integration.integrate(g, s);
            recorder.record(s, cur -> saga.integrated(cur), (c, next) -> {
                integration.store(c, next, result);
                events.hostKey(c, next, result.hostKey());
                if (result.tailscaleTags() != null) {
                    events.tailscale(c, next, result.tailscaleTags());
                }
                events.provisioned(c, next);
            });
            LOG.infof("provisioned at %s; host key %s, age recipient %s", s.ip(),
                    result.hostKey().fingerprint(), result.hostKey().ageRecipient());
        } catch (SshLoginException e) {
            recorder.fail(s, ProvisioningSaga.STEP_INTEGRATE, e.getMessage(), List.of());
        } catch (StepFailure f) {
            recorder.fail(s, f);
        }
        return null;
    }
}
