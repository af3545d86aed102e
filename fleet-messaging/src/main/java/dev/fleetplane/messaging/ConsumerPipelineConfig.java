package dev.fleetplane.messaging;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How every consumer of a service retries a failing handler before it dead-letters the record. */
@ConfigMapping(prefix = "fleetplane.consumer")
public interface ConsumerPipelineConfig {

    /** How often a handler is tried in all before its record goes to {@code <topic>.dlq}. */
    @WithDefault("5")
    int attempts();

    /** The pause after the first failed attempt; each later pause doubles it. */
    @WithDefault("PT0.2S")
    Duration initialBackoff();

    /** The longest pause between two attempts. */
    @WithDefault("PT5S")
    Duration maxBackoff();

    default Backoff backoff() {
        return new Backoff(attempts(), initialBackoff(), maxBackoff());
    }
}
