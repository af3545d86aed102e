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

    /** How long {@code StopVm} lets a guest shut itself down before the adapter stops it hard. */
    @WithDefault("60s")
    Duration stopTimeout();
}
