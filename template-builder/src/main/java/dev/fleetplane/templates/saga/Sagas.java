package dev.fleetplane.templates.saga;

import dev.fleetplane.messaging.Database;
import dev.fleetplane.templates.catalog.Catalog;
import dev.fleetplane.templates.TemplatesConfig;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Applies the saga's decisions: the build locked, the decision taken, the new row and what it sends written in one
 * transaction (the caller's, inside a consumer; a new one for the worker and the scheduler).
 */
@ApplicationScoped
public class Sagas {

    private static final Logger LOG = Logger.getLogger(Sagas.class);

    /** One decision on a locked build. */
    @FunctionalInterface
    public interface Decision {
        Move decide(Build locked);
    }

    @Inject
    Database database;

    @Inject
    BuildStore store;

    @Inject
    BuildEvents events;

    @Inject
    TemplatesConfig config;

    @Inject
    Catalog catalog;

    private BuildSaga saga;

    @PostConstruct
    void init() {
        TemplatesConfig.Smoke s = config.smoke();
        saga = new BuildSaga(new BuildSaga.Probing(s.deadline(), s.initialBackoff(), s.maxBackoff(), s.replyTimeout()));
    }

    public BuildSaga saga() {
        return saga;
    }

    /** In a transaction of its own; returns the build as it is afterwards (empty when there is no such build). */
    public Optional<Build> move(String buildId, String causationId, Decision decision) {
        return database.inTransaction(c -> apply(c, buildId, causationId, decision));
    }

    /** The build fails at {@code step} (cleanup, then TemplateRejected). */
    public void fail(String buildId, String step, String reason) {
        move(buildId, null, b -> saga.fail(b, step, reason));
    }

    /** In the caller's transaction. */
    public Optional<Build> apply(Connection c, String buildId, String causationId, Decision decision)
            throws SQLException {
        Optional<Build> locked = store.lock(c, buildId);
        if (locked.isEmpty()) {
            return Optional.empty();
        }
        Build before = locked.get();
        Move move = decision.decide(before);
        if (!move.changed(before)) {
            return Optional.of(before);
        }
        store.save(c, move.build());
        events.send(c, move.build(), move.out(), causationId);
        if (move.build().state() != before.state()) {
            LOG.infof("build %s of %s: %s -> %s", buildId, before.template(), before.state().label(),
                    move.build().state().label());
            if (move.build().state() == BuildState.REJECTED) {
                LOG.warnf("build %s of %s rejected at %s: %s", buildId, before.template(), move.build().failedStep(),
                        move.build().reason());
            }
            if (move.build().state() == BuildState.READY) {
                catalog.ready(c, move.build().template(), move.build().node(), move.build().candidateVmid(),
                        buildId, move.build().sha256(), move.build().builtFrom(), move.build().route());
            }
        }
        return Optional.of(move.build());
    }
}
