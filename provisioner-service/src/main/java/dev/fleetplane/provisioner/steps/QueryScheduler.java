package dev.fleetplane.provisioner.steps;

import dev.fleetplane.messaging.Database;
import dev.fleetplane.messaging.StoryContext;
import dev.fleetplane.provisioner.ProvisionerConfig;
import dev.fleetplane.provisioner.saga.ProvisioningSaga;
import dev.fleetplane.provisioner.saga.Saga;
import dev.fleetplane.provisioner.saga.SagaEvents;
import dev.fleetplane.provisioner.saga.SagaStore;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Sends the guest-network queries that are due and fails resolutions past their deadline. The due times
 * live in the saga rows, so the Kafka threads never sleep and a restart loses no pending query.
 */
@ApplicationScoped
public class QueryScheduler {

    private static final Logger LOG = Logger.getLogger(QueryScheduler.class);
    private static final int BATCH = 100;

    @Inject
    ProvisionerConfig config;

    @Inject
    Database database;

    @Inject
    SagaStore store;

    @Inject
    SagaEvents events;

    @Inject
    ProvisioningSaga saga;

    private ScheduledExecutorService timer;

    void start(@Observes StartupEvent ignored) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ip-query-scheduler");
            t.setDaemon(true);
            return t;
        });
        long tick = Math.max(10, config.ipResolution().tick().toMillis());
        timer.scheduleWithFixedDelay(this::safeTick, tick, tick, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    private void safeTick() {
        try {
            runDue(Instant.now());
        } catch (RuntimeException e) {
            // The next tick retries: the due rows are still due.
            LOG.warnf("ip-query scheduler: %s", e.toString());
        }
    }

    /** One pass: every due saga gets its query or its failure, each in the same transaction as its row. */
    int runDue(Instant now) {
        return database.inTransaction(c -> {
            List<Saga> due = store.lockDue(c, now, BATCH);
            for (Saga s : due) {
                try (StoryContext.Scope story = StoryContext.forHost(null, s.host(), s.correlationId()).open()) {
                    ProvisioningSaga.Tick tick = saga.tick(s, now);
                    if (tick instanceof ProvisioningSaga.Tick.SendQuery q) {
                        store.save(c, q.saga());
                        events.queryGuestNetwork(c, q.saga(), config.ipResolution().preferIpv6());
                        LOG.infof("asking the guest agent for its address (query %d)", q.saga().attempts());
                    } else if (tick instanceof ProvisioningSaga.Tick.GiveUp g) {
                        store.save(c, g.saga());
                        events.failed(c, g.saga(), g.saga().failedStep(), g.saga().lastReason(), List.of());
                        LOG.errorf("provisioning failed at step %s: %s", g.saga().failedStep(), g.saga().lastReason());
                    }
                }
            }
            return due.size();
        });
    }
}
