package dev.fleetplane.planner.lifecycle;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How an applied plan runs ({@code fleetplane.planner.apply.*}; environment {@code FLEETPLANE_PLANNER_APPLY_*}). */
@ConfigMapping(prefix = "fleetplane.planner.apply")
public interface ApplyConfig {

    /**
     * Most hosts of one fleet with a step in flight at once; the others wait as Pending and start, oldest first,
     * when one settles. Bounds the load on one Proxmox node (parallel clones contend for storage locks).
     */
    @WithDefault("4")
    int maxParallel();

    /**
     * How many times a Proxmox step (clone, configure, resize, start, stop, destroy) is sent at most when it fails for
     * a reason that may pass (a failed task, a lock timeout, 5xx): {@link StepRetry}. 1 fails the host at once.
     */
    @WithDefault("5")
    int stepAttempts();

    /** The wait before a failed step's second attempt; doubled for each further one, up to {@link #stepRetryMaxDelay}. */
    @WithDefault("2s")
    Duration stepRetryDelay();

    /** The longest wait between two attempts of a step. */
    @WithDefault("30s")
    Duration stepRetryMaxDelay();

    /** The retry policy these three make. */
    default StepRetry stepRetry() {
        return new StepRetry(stepAttempts(), stepRetryDelay(), stepRetryMaxDelay());
    }

    /** How long {@code StopVm} lets a guest shut itself down before the adapter stops it hard. */
    @WithDefault("60s")
    Duration stopTimeout();
}
