package dev.fleetplane.planner;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The planner's settings ({@code fleetplane.planner.*}; environment: {@code FLEETPLANE_PLANNER_*}). */
@ConfigMapping(prefix = "fleetplane.planner")
public interface PlannerConfig {

    /** How hosts.nix source is evaluated. */
    Nix nix();

    /** What the intake accepts. */
    Spec spec();

    interface Nix {
        /** The nix-instantiate binary (a name on PATH or an absolute path). */
        @WithDefault("nix-instantiate")
        String command();

        /** Longest an evaluation may run before it is stopped and the spec rejected. */
        @WithDefault("10s")
        Duration timeout();

        /** Most memory (address space, MiB) the evaluator process may use before it is stopped and the spec rejected. */
        @WithDefault("1024")
        int memoryLimitMb();
    }

    interface Spec {
        /** Largest accepted spec (JSON or Nix source), in bytes; larger gets 413. */
        @WithDefault("1048576")
        int maxBytes();

        /** Fleet name when a submission names none. */
        @WithDefault("default")
        String defaultFleet();
    }
}
