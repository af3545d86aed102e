package dev.fleetplane.planner.spec;

import dev.fleetplane.plancore.spec.NixEvaluator;

import dev.fleetplane.planner.PlannerConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Builds the service's {@link NixEvaluator} from configuration. */
@ApplicationScoped
public class NixEvaluatorProducer {

    @Produces
    @Singleton
    NixEvaluator evaluator(PlannerConfig config) {
        return new NixEvaluator(config.nix().command(), config.nix().timeout(),
                config.nix().memoryLimitMb() * 1024L * 1024L, config.spec().maxBytes());
    }
}
