package dev.fleetplane.planner.lifecycle;

import dev.fleetplane.messaging.Database;
import dev.fleetplane.messaging.WorkLoop;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Sends failed Proxmox steps again when their retry is due ({@link StepRetry}; {@code retry_at} in
 * {@code host_state}). The due time lives in the row, so a restarted planner (or another replica: rows are taken
 * with {@code SKIP LOCKED}) sends it; this loop sleeps until the next one is due, at most 2 s, so a retry scheduled
 * meanwhile (here or by another replica) goes out at most 2 s late.
 */
@ApplicationScoped
public class StepRetries {

    private static final Logger LOG = Logger.getLogger(StepRetries.class);
    /** The longest sleep: also how late a retry scheduled by another replica may be noticed. */
    private static final Duration IDLE = Duration.ofSeconds(2);
    private static final int BATCH = 50;

    @Inject
    HostStore hosts;

    @Inject
    HostScheduler scheduler;

    @Inject
    Database database;

    private final WorkLoop loop = new WorkLoop("step-retries", this::round);

    void start(@Observes StartupEvent ignored) {
        loop.start();
    }

    void stop(@Observes ShutdownEvent ignored) {
        loop.stop(Duration.ofSeconds(5));
    }

    private Duration round() {
        try {
            int sent = database.inTransaction(c -> {
                List<HostRecord> due = hosts.lockDueRetries(c, BATCH);
                for (HostRecord h : due) {
                    scheduler.resend(c, h);
                }
                return due.size();
            });
            if (sent == BATCH) {
                return Duration.ZERO;
            }
            Duration next = database.read(hosts::nextRetryIn).orElse(IDLE);
            return next.compareTo(IDLE) > 0 ? IDLE : next.isZero() ? Duration.ofMillis(50) : next;
        } catch (RuntimeException e) {
            // PostgreSQL away: the rows keep the due times; try again after a pause.
            LOG.warnf("sending due step retries failed: %s", e.getMessage());
            return IDLE;
        }
    }
}
