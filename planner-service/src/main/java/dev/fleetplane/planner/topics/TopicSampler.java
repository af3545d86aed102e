package dev.fleetplane.planner.topics;

import dev.fleetplane.messaging.TopicStats;
import dev.fleetplane.messaging.WorkLoop;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Looks at the broker every {@code fleetplane.planner.dashboard.sample-interval} ({@link TopicStats}) and keeps the
 * reading in the {@link TopicHistory} the dashboard draws its charts and rates from.
 */
@ApplicationScoped
public class TopicSampler {

    private static final Logger LOG = Logger.getLogger(TopicSampler.class);

    @Inject
    TopicStats stats;

    @Inject
    TopicsConfig config;

    private final TopicHistory history = new TopicHistory();
    private final WorkLoop loop = new WorkLoop("topic-sampler", this::round);

    void start(@Observes StartupEvent ignored) {
        if (!config.sampleInterval().isZero() && !config.sampleInterval().isNegative()) {
            loop.start();
        }
    }

    void stop(@Observes ShutdownEvent ignored) {
        loop.stop(Duration.ofSeconds(5));
    }

    public TopicHistory history() {
        return history;
    }

    public Duration interval() {
        return config.sampleInterval();
    }

    private Duration round() {
        try {
            history.add(TopicHistory.Reading.of(stats.read()));
        } catch (RuntimeException e) {
            // Kafka down or slow: no sample this round (the chart shows the gap); readiness says Kafka is down.
            LOG.debugf("topic sample skipped: %s", e.getMessage());
        }
        return config.sampleInterval();
    }
}
