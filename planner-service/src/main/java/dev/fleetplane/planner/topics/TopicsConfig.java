package dev.fleetplane.planner.topics;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The dashboard's topic figures ({@code fleetplane.planner.dashboard.*}; environment {@code FLEETPLANE_PLANNER_DASHBOARD_*}). */
@ConfigMapping(prefix = "fleetplane.planner.dashboard")
public interface TopicsConfig {

    /**
     * How often the sampler asks the broker for end offsets, lag and dead-letter depth (the history keeps
     * {@link TopicHistory#CAPACITY} samples: an hour at the default); 0 turns the sampler off (no history, no rates).
     */
    @WithDefault("5s")
    Duration sampleInterval();
}
