package dev.fleetplane.provisioner.steps;

import dev.fleetplane.events.provisioning.HardwareConfigGenerated;
import dev.fleetplane.messaging.Database;
import dev.fleetplane.provisioner.ProvisionerConfig;
import dev.fleetplane.provisioner.checkout.CheckoutException;
import dev.fleetplane.provisioner.checkout.HardwareConfigPath;
import dev.fleetplane.provisioner.checkout.OperatorCheckout;
import dev.fleetplane.provisioner.saga.ProvisioningSaga;
import dev.fleetplane.provisioner.saga.Saga;
import dev.fleetplane.provisioner.saga.SagaEvents;
import dev.fleetplane.provisioner.ssh.GuestSession;
import dev.fleetplane.provisioner.ssh.SshLoginException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The hardware configuration, part of the rebuild step before the watchdog is armed: generated on the guest, weighed
 * by {@code hardware-config.policy} against the one kept (fleetplane's table, or the operator's checkout), stored and
 * published as {@code HardwareConfigGenerated}.
 */
@ApplicationScoped
class HardwareConfigStep {

    private static final Logger LOG = Logger.getLogger(HardwareConfigStep.class);

    @Inject
    ProvisionerConfig config;

    @Inject
    Database database;

    @Inject
    SagaEvents events;

    @Inject
    HardwareConfigs hardwareConfigs;

    @Inject
    OperatorCheckout checkout;

    void run(GuestSession g, Saga s) throws SshLoginException, StepFailure {
        ProvisionerConfig.HardwareConfig hc = config.hardwareConfig();
        String policy;
        try {
            policy = HardwareConfigPolicy.checked(hc.policy());
        } catch (IllegalArgumentException e) {
            throw new StepFailure(ProvisioningSaga.STEP_HARDWARE_CONFIG, e.getMessage(), List.of());
        }
        GuestSession.Captured out = g.capture(hc.command(), hc.timeout());
        if (!out.ok() || out.output().isBlank()) {
            throw new StepFailure(ProvisioningSaga.STEP_HARDWARE_CONFIG, "`" + hc.command() + "` on " + g.where()
                    + " exited with status " + out.status() + (out.output().isBlank() ? " and printed nothing" : ""),
                    StepText.lastLines(out.output(), config.rebuild().tailLines()));
        }
        String generated = out.output();
        if (checkout.path().isPresent()) {
            intoCheckout(s, policy, generated);
            return;
        }
        database.inTransaction(c -> {
            HardwareConfigPolicy.Decision d = HardwareConfigPolicy.decide(policy, hardwareConfigs.find(c, s.host()),
                    generated, s.host());
            if (d.store()) {
                hardwareConfigs.store(c, s.host(), s.vmid(), generated);
            }
            events.hardwareConfig(c, s, new HardwareConfigGenerated(s.host(), s.vmid(), d.action(), policy,
                    HardwareConfigPolicy.sha256(generated), generated, d.diff()));
            LOG.infof("hardware configuration %s (policy %s)", d.action(), policy);
            return null;
        });
    }

    /**
     * With a checkout, the host's file in it is what the policy weighs the generated one against (an existing fleet
     * keeps its hardware configurations there): written when the policy says so, and staged with {@code git add}
     * whenever git does not track it yet, so the rebuild's flake sees it. fleetplane's own table keeps a copy.
     */
    private void intoCheckout(Saga s, String policy, String generated) throws StepFailure {
        Path dir;
        String relative;
        try {
            dir = checkout.checked();
            relative = HardwareConfigPath.of(config.checkout().hardwareConfigPath(), s.host());
        } catch (CheckoutException | IllegalArgumentException e) {
            throw new StepFailure(ProvisioningSaga.STEP_HARDWARE_CONFIG, e.getMessage(), List.of());
        }
        HardwareConfigPolicy.Decision d;
        boolean staged;
        try {
            d = HardwareConfigPolicy.decide(policy, checkout.read(dir, relative), generated, s.host());
            if (d.store()) {
                checkout.writeAndStage(dir, relative, generated);
                staged = true;
            } else {
                staged = checkout.stageIfUntracked(dir, relative);
            }
        } catch (CheckoutException e) {
            throw new StepFailure(ProvisioningSaga.STEP_HARDWARE_CONFIG, e.getMessage(), List.of());
        }
        database.inTransaction(c -> {
            if (d.store()) {
                hardwareConfigs.store(c, s.host(), s.vmid(), generated);
            }
            events.hardwareConfig(c, s, new HardwareConfigGenerated(s.host(), s.vmid(), d.action(), policy,
                    HardwareConfigPolicy.sha256(generated), generated, d.diff(), relative));
            return null;
        });
        LOG.infof("hardware configuration %s in %s at %s (policy %s)%s",
                d.action(), dir, relative, policy, staged ? ", staged with git add (not committed)" : "");
    }
}
