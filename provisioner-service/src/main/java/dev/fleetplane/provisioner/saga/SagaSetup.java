package dev.fleetplane.provisioner.saga;

import dev.fleetplane.provisioner.ProvisionerConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** Builds the pure state machine from the typed configuration (bad durations fail the start, naming the key). */
@ApplicationScoped
public class SagaSetup {

    @Produces
    @ApplicationScoped
    ProvisioningSaga provisioningSaga(ProvisionerConfig config) {
        ProvisionerConfig.IpResolution r = config.ipResolution();
        return new ProvisioningSaga(new ResolutionPolicy(r.initialBackoff(), r.maxBackoff(), r.deadline(), r.replyTimeout()),
                config.rollback().confirmTimeout(), config.rebuild().maxRuns());
    }
}
