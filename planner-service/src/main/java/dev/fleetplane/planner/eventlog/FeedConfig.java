package dev.fleetplane.planner.eventlog;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How the live feed of the event log runs ({@code fleetplane.planner.event-feed.*}). */
@ConfigMapping(prefix = "fleetplane.planner.event-feed")
public interface FeedConfig {

    /**
     * How often the feed reads the log even without a notification: the safety net for a notification lost while
     * its connection was being re-opened.
     */
    @WithDefault("5s")
    Duration safetyInterval();

    /** Rows read per query while catching up. */
    @WithDefault("500")
    int batch();
}
