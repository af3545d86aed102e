package dev.fleetplane.provisioner.steps;

import dev.fleetplane.messaging.Database;
import dev.fleetplane.provisioner.saga.ProvisioningSaga;
import dev.fleetplane.provisioner.saga.Saga;
import dev.fleetplane.provisioner.saga.SagaEvents;
import dev.fleetplane.provisioner.saga.SagaState;
import dev.fleetplane.provisioner.saga.SagaStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Where every worker step reads its saga and stores its result with its events in one transaction, so a crash never
 * loses or doubles a step; a result whose saga was replaced or moved on while the step ran is dropped.
 */
@ApplicationScoped
class StepRecorder {

    private static final Logger LOG = Logger.getLogger(StepRecorder.class);

    @Inject
    Database database;

    @Inject
    SagaStore store;

    @Inject
    SagaEvents events;

    @Inject
    ProvisioningSaga saga;

    /** The events a recorded change publishes, in its transaction. */
    interface Publish {
        void run(Connection c, Saga next) throws SQLException;
    }

    /** {@code host}'s saga if it is in {@code state}. */
    Optional<Saga> load(String host, SagaState state) {
        return database.read(c -> store.find(c, host)).filter(s -> s.state() == state);
    }

    /** A change that publishes nothing. */
    Saga record(Saga ran, Function<Saga, Saga> change) {
        return record(ran, change, (c, next) -> { });
    }

    /**
     * Applies {@code change} to the current row and publishes in one transaction, unless the saga was replaced by a
     * newer ProvisionHost (or moved on) while the step ran: then nothing is written and null returned.
     */
    Saga record(Saga ran, Function<Saga, Saga> change, Publish publish) {
        return database.inTransaction(c -> {
            Optional<Saga> current = store.lock(c, ran.host());
            if (current.isEmpty() || current.get().state() != ran.state()
                    || !current.get().commandEventId().equals(ran.commandEventId())) {
                LOG.warnf("the saga changed while step %s ran; its result is dropped", ran.state().label());
                return null;
            }
            Saga next = change.apply(current.get());
            store.save(c, next);
            publish.run(c, next);
            return next;
        });
    }

    void fail(Saga s, StepFailure f) {
        fail(s, f.step, f.getMessage(), f.tail);
    }

    void fail(Saga s, String step, String reason, List<String> tail) {
        Saga failed = record(s, cur -> saga.failed(cur, step, reason), (c, next) -> events.failed(c, next, step,
                reason, tail));
        if (failed != null) {
            LOG.errorf("provisioning failed at step %s: %s", step, reason);
        }
    }
}
