package dev.fleetplane.provisioner.saga;

import dev.fleetplane.messaging.StoryContext;
import dev.fleetplane.events.provisioning.ProvisionHost;
import dev.fleetplane.provisioner.rebuild.RebuildTemplate;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * {@code fleetplane retry HOST} (REST) and {@code RetryProvisioning} (Kafka): a failed saga runs again from the step
 * it failed at, announced by {@code ProvisioningRetried}, in the caller's transaction.
 */
@ApplicationScoped
public class Retries {

    private static final Logger LOG = Logger.getLogger(Retries.class);

    /** Why a retry was refused; the message names the host and its state. */
    public static final class RetryRefused extends Exception {
        public final boolean unknownHost;

        RetryRefused(String message, boolean unknownHost) {
            super(message);
            this.unknownHost = unknownHost;
        }
    }

    @Inject
    SagaStore store;

    @Inject
    SagaEvents events;

    @Inject
    ProvisioningSaga saga;

    public Saga retry(Connection c, String host, String requestedBy) throws SQLException, RetryRefused {
        Optional<Saga> found = host == null ? Optional.empty() : store.lock(c, host);
        if (found.isEmpty()) {
            throw new RetryRefused("no provisioning of host '" + host + "' to retry", true);
        }
        Saga failed = found.get();
        if (failed.state() != SagaState.FAILED) {
            throw new RetryRefused("host " + host + " is " + failed.state().label()
                    + (failed.state().isActive() ? " (still running)" : "") + "; only a failed provisioning can be retried",
                    false);
        }
        // A command refused for its inputs (host, user, rebuild command) would be refused again: only a new plan
        // with a corrected spec sends a new one.
        List<String> invalid = RebuildTemplate.problems(new ProvisionHost(failed.host(), failed.node(), failed.vmid(),
                failed.user(), failed.rebuildCommand()));
        if (!invalid.isEmpty()) {
            throw new RetryRefused("host " + host + "'s ProvisionHost command was invalid (" + String.join("; ", invalid)
                    + "); a retry would fail the same way: correct the spec and apply a new plan", false);
        }
        String step = ProvisioningSaga.retryStep(failed);
        Saga again = saga.retry(failed, Instant.now());
        store.save(c, again);
        events.retried(c, again, step, requestedBy == null || requestedBy.isBlank() ? "unknown" : requestedBy);
        // The retry goes on in the saga's story (a REST request has none, a command may carry its own).
        try (StoryContext.Scope story = StoryContext.forHost(null, host, again.correlationId()).open()) {
            LOG.infof("retrying from step %s (asked by %s), now %s", step, requestedBy, again.state().label());
        }
        return again;
    }
}
