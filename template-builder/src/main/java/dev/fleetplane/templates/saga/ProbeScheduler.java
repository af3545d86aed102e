package dev.fleetplane.templates.saga;

import dev.fleetplane.messaging.Database;
import dev.fleetplane.messaging.StoryContext;
import dev.fleetplane.messaging.WorkLoop;
import dev.fleetplane.templates.TemplatesConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The smoke test's clock: every tick, probing builds whose next agent query is due get it (and a query the adapter
 * left unanswered is sent again), and those past their deadline fail. Rows are taken with SKIP LOCKED, so replicas
 * share them.
 */
@ApplicationScoped
public class ProbeScheduler {

    private static final Logger LOG = Logger.getLogger(ProbeScheduler.class);

    @Inject
    Database database;

    @Inject
    BuildStore store;

    @Inject
    Sagas sagas;

    @Inject
    TemplatesConfig config;

    private WorkLoop loop;

    void onStart(@Observes StartupEvent start) {
        loop = new WorkLoop("template-probes", this::round);
        loop.start();
    }

    void onStop(@Observes ShutdownEvent stop) {
        if (loop != null) {
            loop.stop(Duration.ofSeconds(2));
        }
    }

    private Duration round() {
        Duration tick = config.smoke().tick();
        try {
            database.inTransaction(c -> {
                Instant now = Instant.now();
                List<Build> due = store.dueProbes(c, now, 20);
                for (Build b : due) {
                    try (StoryContext.Scope s = StoryContext.forCommand(b.subject(), b.buildId(), null).open()) {
                        sagas.apply(c, b.buildId(), null, locked -> sagas.saga().due(locked, now));
                    }
                }
                return null;
            });
        } catch (RuntimeException e) {
            LOG.warnf("the probe round failed, trying again in %s: %s", tick, e.getMessage());
        }
        return tick;
    }
}
