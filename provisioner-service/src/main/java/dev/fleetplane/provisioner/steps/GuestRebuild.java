package dev.fleetplane.provisioner.steps;

import dev.fleetplane.provisioner.ProvisionerConfig;
import dev.fleetplane.provisioner.saga.Saga;
import dev.fleetplane.provisioner.ssh.GuestSession;
import dev.fleetplane.provisioner.ssh.RemoteRun;
import dev.fleetplane.provisioner.ssh.ShellCommand;
import dev.fleetplane.provisioner.ssh.SshLoginException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * The rebuild command run on the guest over the step's own connection, which is what lets fleetplane see that
 * connection drop during the switch.
 */
@ApplicationScoped
class GuestRebuild {

    private static final Logger LOG = Logger.getLogger(GuestRebuild.class);

    @Inject
    ProvisionerConfig config;

    @Inject
    RebuildOutput output;

    RebuildRun run(GuestSession g, Saga s, String command) throws SshLoginException {
        RebuildOutput.Stream stream = output.open(s);
        LOG.infof("rebuild run %d over SSH as %s: %s", s.rebuildRuns(), g.where(), command);
        // nixos-rebuild switch needs root: a login as the host's user (root login is off after the first switch) runs
        // it through sudo, never prompting.
        RemoteRun run = g.exec(ShellCommand.asRoot(g.user(), command), config.rebuild().timeout(), stream.tail().sink(),
                stream.tail().sink());
        stream.finish();
        return new RebuildRun(run, stream.tail(), command);
    }
}
