package dev.fleetplane.provisioner.steps;

import dev.fleetplane.provisioner.ProvisionerConfig;
import dev.fleetplane.provisioner.checkout.CheckoutCommand;
import dev.fleetplane.provisioner.checkout.CheckoutException;
import dev.fleetplane.provisioner.checkout.LocalRebuild;
import dev.fleetplane.provisioner.checkout.OperatorCheckout;
import dev.fleetplane.provisioner.checkout.SwitchDrop;
import dev.fleetplane.provisioner.saga.ProvisioningSaga;
import dev.fleetplane.provisioner.saga.Saga;
import dev.fleetplane.provisioner.ssh.GuestSession;
import dev.fleetplane.provisioner.ssh.HostKey;
import dev.fleetplane.provisioner.ssh.HostKeyPins;
import dev.fleetplane.provisioner.ssh.RemoteRun;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The rebuild from the operator's checkout: {@code nixos-rebuild switch --flake <checkout>#<host> --target-host
 * <user>@<ip>} on this machine, logging in as the user the step's own connection logged in as, checking the host key
 * pinned for the host. nixos-rebuild exits non-zero when its SSH connection drops during the switch (the guest's
 * network restarted): ssh's words about it in the output make that a dropped connection, as on the guest.
 */
@ApplicationScoped
class CheckoutRebuild {

    private static final Logger LOG = Logger.getLogger(CheckoutRebuild.class);

    @Inject
    ProvisionerConfig config;

    @Inject
    OperatorCheckout checkout;

    @Inject
    LocalRebuild localRebuild;

    @Inject
    HostKeyPins pins;

    @Inject
    RebuildOutput output;

    RebuildRun run(GuestSession g, Saga s) throws StepFailure {
        ProvisionerConfig.Checkout co = config.checkout();
        Path dir;
        List<String> argv;
        HostKey pinned;
        try {
            dir = checkout.checked();
            argv = CheckoutCommand.argv(co.nixosRebuild(), dir, s.host(), g.user(), g.ip(), co.remoteSudoFlag());
            pinned = pins.pinned(s.host()).orElseThrow(() -> new CheckoutException("no host key is pinned for "
                    + s.host() + " although this step just logged in to it"));
        } catch (CheckoutException | IllegalArgumentException e) {
            throw new StepFailure(ProvisioningSaga.STEP_REBUILD, e.getMessage(), List.of());
        }
        RebuildOutput.Stream stream = output.open(s);
        String display = CheckoutCommand.display(argv);
        LOG.infof("rebuild run %d from the checkout %s, host key %s pinned: %s", s.rebuildRuns(), dir, pinned,
                display);
        RemoteRun run;
        try {
            run = localRebuild.run(s.host(), pinned, dir, argv, config.rebuild().timeout(), stream.tail().sink());
        } catch (CheckoutException e) {
            throw new StepFailure(ProvisioningSaga.STEP_REBUILD, e.getMessage(), List.of());
        }
        stream.finish();
        if (run instanceof RemoteRun.Exited x && x.status() != 0) {
            Optional<String> dropped = SwitchDrop.in(stream.tail().lines());
            if (dropped.isPresent()) {
                run = new RemoteRun.ConnectionLost("nixos-rebuild exited " + x.status() + " after ssh said: "
                        + dropped.get(), x.duration());
            }
        }
        return new RebuildRun(run, stream.tail(), display);
    }
}
