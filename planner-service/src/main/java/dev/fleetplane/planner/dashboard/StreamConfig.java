package dev.fleetplane.planner.dashboard;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The dashboard's live event streams ({@code fleetplane.planner.dashboard.*}). */
@ConfigMapping(prefix = "fleetplane.planner.dashboard")
public interface StreamConfig {

    /** Open streams one token may hold at once; one more is refused with 429. */
    @WithDefault("16")
    int streamsPerToken();

    /**
     * Events one stream may have queued for a client that does not read; past it the stream ends with an
     * {@code overflow} event naming the seq to resume from.
     */
    @WithDefault("512")
    int buffer();

    /** A {@code : keep-alive} comment goes out after this long without anything sent. */
    @WithDefault("15s")
    Duration keepAlive();

    /** Most events a resumed stream replays from the log before it goes live (past it: {@code overflow}). */
    @WithDefault("1000")
    int maxBacklog();
}
