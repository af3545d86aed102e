package dev.fleetplane.provisioner.steps;

import dev.fleetplane.messaging.Database;
import dev.fleetplane.provisioner.ProvisionerConfig;
import dev.fleetplane.provisioner.saga.Saga;
import dev.fleetplane.provisioner.saga.SagaEvents;
import dev.fleetplane.provisioner.ssh.OutputTail;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Where a rebuild's output goes, wherever it runs: {@code RebuildOutput} batches, and the last lines for the saga. */
@ApplicationScoped
class RebuildOutput {

    @Inject
    ProvisionerConfig config;

    @Inject
    Database database;

    @Inject
    SagaEvents events;

    /** The output of one run: write it to {@link Stream#tail()}'s sinks, then {@link Stream#finish()}. */
    record Stream(OutputEvents batches, OutputTail tail) {
        void finish() {
            batches.finish();
        }
    }

    Stream open(Saga s) {
        ProvisionerConfig.Rebuild r = config.rebuild();
        OutputEvents batches = new OutputEvents(r.outputBatchLines(), r.outputMaxBatches(), (seq, lines, dropped) ->
                database.inTransaction(c -> events.rebuildOutput(c, s, seq, lines, dropped)));
        return new Stream(batches, new OutputTail(r.tailLines(), r.maxLineLength(), batches::line));
    }
}
