package dev.fleetplane.planner.plan;

import dev.fleetplane.plancore.plan.PlanDraft;

import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.plans.PlanApplied;
import dev.fleetplane.events.plans.PlannedChange;
import dev.fleetplane.messaging.Database;
import dev.fleetplane.planner.Publisher;
import dev.fleetplane.planner.lifecycle.HostScheduler;
import dev.fleetplane.planner.lifecycle.HostStore;
import dev.fleetplane.plancore.spec.HostsSpec;
import dev.fleetplane.planner.spec.SpecStore;
import dev.fleetplane.plancore.spec.SpecValidator;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Applies a plan: checks it may be applied, records the approval ({@code PlanApplied}) and hands the
 * hosts it touches to the {@link HostScheduler}.
 */
@ApplicationScoped
public class PlanApproval {

    private static final Logger LOG = Logger.getLogger(PlanApproval.class);

    /** Why a plan cannot be applied; the REST layer turns it into 404 or 409. */
    public static class RefusedException extends RuntimeException {
        private final boolean notFound;

        public RefusedException(boolean notFound, String message) {
            super(message);
            this.notFound = notFound;
        }

        public boolean notFound() {
            return notFound;
        }
    }

    @Inject
    Database database;

    @Inject
    PlanStore plans;

    @Inject
    SpecStore specs;

    @Inject
    HostStore hosts;

    @Inject
    Publisher publisher;

    @Inject
    HostScheduler scheduler;

    /** An operator's approval. */
    public Plan approve(String planId, String approvedBy) {
        return database.inTransaction(c -> {
            Plan plan = plans.find(c, planId, true)
                    .orElseThrow(() -> new RefusedException(true, "no plan " + planId));
            if (plan.applied()) {
                throw new RefusedException(false, "plan " + planId + " was already applied at " + plan.appliedAt()
                        + " by " + plan.approvedBy());
            }
            if (!plan.errors().isEmpty()) {
                throw new RefusedException(false, "plan " + planId + " has " + plan.errors().size()
                        + " errors and cannot be applied; fix the spec and push it again");
            }
            long latest = specs.latest(c, plan.fleet());
            if (latest > plan.specVersion()) {
                throw new RefusedException(false, "plan " + planId + " is for spec version " + plan.specVersion()
                        + " but fleet " + plan.fleet() + " has a newer spec version " + latest
                        + "; apply that version's plan instead");
            }
            apply(c, plan, approvedBy, null);
            return plans.find(c, planId, false).orElseThrow();
        });
    }

    /** Applies {@code plan} inside the caller's transaction. */
    public void apply(Connection c, Plan plan, String approvedBy, FleetEvent cause) throws SQLException {
        plans.markApplied(c, plan.id(), approvedBy);
        List<String> touched = plan.changes().stream().filter(ch -> !ch.action().equals(PlanDraft.NO_OP))
                .map(PlannedChange::host).toList();
        FleetEvent applied = publisher.publish(c, plan.fleet(), EventCatalog.PLAN_APPLIED, plan.fleet(),
                new PlanApplied(plan.id(), plan.fleet(), approvedBy, touched), plan.id(), cause);
        LOG.infof("fleet %s: plan %s applied by %s; hosts %s (correlation %s)", plan.fleet(), plan.id(), approvedBy,
                touched, plan.id());
        HostsSpec spec = SpecValidator.validate(specs.find(c, plan.specVersion()).orElseThrow().content())
                .spec().orElseThrow();
        scheduler.schedule(c, plan.fleet(), plan.id(), plan.changes(), spec, plan.inventory(), applied);
    }
}
