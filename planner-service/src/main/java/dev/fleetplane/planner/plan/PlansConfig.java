package dev.fleetplane.planner.plan;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How plans are computed and applied ({@code fleetplane.planner.plans.*}; environment {@code FLEETPLANE_PLANNER_PLANS_*}). */
@ConfigMapping(prefix = "fleetplane.planner.plans")
public interface PlansConfig {

    /**
     * Longest a fresh plan or an apply waits for the proxmox-adapter's answer to {@code SyncInventory}
     * before it gives up with 504 (the adapter is down or Proxmox does not answer).
     */
    @WithDefault("15s")
    Duration inventoryTimeout();
}
