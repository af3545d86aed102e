package dev.fleetplane.planner.plan;

import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.plans.PlanApplied;
import dev.fleetplane.events.plans.PlannedChange;
import dev.fleetplane.messaging.Database;
import dev.fleetplane.messaging.StoryContext;
import dev.fleetplane.plancore.plan.PlanDraft;
import dev.fleetplane.plancore.spec.HostSpec;
import dev.fleetplane.plancore.spec.HostsSpec;
import dev.fleetplane.plancore.spec.SpecValidator;
import dev.fleetplane.planner.Publisher;
import dev.fleetplane.planner.lifecycle.HostScheduler;
import dev.fleetplane.planner.spec.SpecStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Applies exactly one plan: refuses it unless neither the fleet's spec nor the Proxmox inventory changed since
 * it was computed (a fresh inventory is read and its digest compared), records the approval
 * ({@code PlanApplied}) and hands the selected hosts' changes to the {@link HostScheduler}.
 */
@ApplicationScoped
public class PlanApproval {

    private static final Logger LOG = Logger.getLogger(PlanApproval.class);

    /** Why a plan cannot be applied: 404 (unknown), 400 (bad selection), 409 (applied, failed, stale). */
    public static class RefusedException extends RuntimeException {
        private final int status;
        private final List<String> details;

        public RefusedException(int status, String message, List<String> details) {
            super(message);
            this.status = status;
            this.details = List.copyOf(details);
        }

        public RefusedException(boolean notFound, String message) {
            this(notFound ? 404 : 409, message, List.of());
        }

        public boolean notFound() {
            return status == 404;
        }

        public int status() {
            return status;
        }

        public List<String> details() {
            return details;
        }
    }

    /**
     * Which hosts of the plan run: {@code targets} (empty = all) minus {@code excludes}, as {@code tofu apply
     * -target} and {@code -exclude}.
     */
    public record Selection(List<String> targets, List<String> excludes) {
        public static final Selection ALL = new Selection(List.of(), List.of());

        public boolean includes(String host) {
            return (targets.isEmpty() || targets.contains(host)) && !excludes.contains(host);
        }
    }

    @Inject
    Database database;

    @Inject
    PlanStore plans;

    @Inject
    ManagedHosts managedHosts;

    @Inject
    SpecStore specs;

    @Inject
    Publisher publisher;

    @Inject
    HostScheduler scheduler;

    @Inject
    InventoryRequests inventories;

    /** An operator's approval of the whole plan. */
    public Plan approve(String planId, String approvedBy) {
        return approve(planId, approvedBy, Selection.ALL);
    }

    /** An operator's approval; reads a fresh inventory (outside any transaction) to prove the plan is not stale. */
    public Plan approve(String planId, String approvedBy, Selection selection) {
        Plan plan = database.read(c -> plans.find(c, planId, false))
                .orElseThrow(() -> new RefusedException(404, "no plan " + planId, List.of()));
        // An operator's approval starts the plan's story (PlanApplied carries the plan id as its correlation id).
        try (StoryContext.Scope story = StoryContext.forHost(plan.fleet(), null, planId).open()) {
            return approveInStory(plan, approvedBy, selection);
        }
    }

    private Plan approveInStory(Plan plan, String approvedBy, Selection selection) {
        String planId = plan.id();
        refuseIfNotApplicable(plan);
        refuseIfNewerSpec(plan, database.read(c -> specs.latest(c, plan.fleet())));
        HostsSpec spec = database.read(c -> specOf(c, plan));
        checkSelection(plan, spec, selection);
        Optional<String> node = plan.inventoryDigest() == null ? Optional.empty()
                : database.read(c -> managedHosts.inventoryNode(c, plan.fleet(), spec));
        if (node.isPresent()) {
            InventoryRequests.Observation now = inventories.fetch(plan.fleet(), node.get(),
                    "check plan " + planId + " before applying it", planId);
            if (!Objects.equals(now.digest(), plan.inventoryDigest())) {
                Map<Integer, String> hostByVmid = new HashMap<>();
                plan.changes().forEach(ch -> hostByVmid.put(ch.vmid(), ch.host()));
                List<String> details = new ArrayList<>(InventoryChanges.between(plan.inventory(), now.vms(), hostByVmid));
                if (details.isEmpty()) {
                    details.add("inventory digest " + plan.inventoryDigest() + " → " + now.digest());
                }
                LOG.infof("plan %s is stale, the inventory changed: %s", planId, details);
                throw new RefusedException(409, "stale plan: Proxmox changed since plan " + planId + " was computed; "
                        + "run `fleetplane plan` again and apply the new plan", details);
            }
        }
        return database.inTransaction(c -> {
            Plan locked = plans.find(c, planId, true).orElseThrow();
            refuseIfNotApplicable(locked);
            refuseIfNewerSpec(locked, specs.latest(c, locked.fleet()));
            apply(c, locked, approvedBy, null, selection);
            return plans.find(c, planId, false).orElseThrow();
        });
    }

    /** Applies {@code plan} inside the caller's transaction (an operator's approval, or the push's auto-approve). */
    public void apply(Connection c, Plan plan, String approvedBy, FleetEvent cause, Selection selection)
            throws SQLException {
        List<PlannedChange> selected = plan.changes().stream()
                .filter(ch -> !ch.action().equals(PlanDraft.NO_OP) && selection.includes(ch.host())).toList();
        List<String> hosts = selected.stream().map(PlannedChange::host).toList();
        plans.markApplied(c, plan.id(), approvedBy, hosts);
        FleetEvent applied = publisher.publish(c, plan.fleet(), EventCatalog.PLAN_APPLIED, plan.fleet(),
                new PlanApplied(plan.id(), plan.fleet(), approvedBy, hosts), plan.id(), cause);
        LOG.infof("plan %s applied by %s; hosts %s%s", plan.id(), approvedBy, hosts,
                selection.equals(Selection.ALL) ? "" : " (selected by " + selection + ")");
        scheduler.schedule(c, plan.fleet(), plan.id(), selected, specOf(c, plan), plan.inventory(), applied);
    }

    private static void refuseIfNotApplicable(Plan plan) {
        if (plan.applied()) {
            throw new RefusedException(409, "plan " + plan.id() + " was already applied at " + plan.appliedAt()
                    + " by " + plan.approvedBy(), List.of());
        }
        if (!plan.errors().isEmpty()) {
            throw new RefusedException(409, "plan " + plan.id() + " has " + plan.errors().size()
                    + " errors and cannot be applied; fix the spec and push it again",
                    plan.errors().stream().map(Object::toString).toList());
        }
    }

    private static void refuseIfNewerSpec(Plan plan, long latest) {
        if (latest > plan.specVersion()) {
            throw new RefusedException(409, "stale plan: plan " + plan.id() + " is for spec version "
                    + plan.specVersion() + " but fleet " + plan.fleet() + " has a newer spec version " + latest
                    + "; apply a plan of that version instead",
                    List.of("spec version " + plan.specVersion() + " → " + latest));
        }
    }

    /** Every name of {@code --target} / {@code --exclude} must be a host of the plan or its spec. */
    private static void checkSelection(Plan plan, HostsSpec spec, Selection selection) {
        Set<String> known = new LinkedHashSet<>();
        plan.changes().forEach(ch -> known.add(ch.host()));
        spec.hosts().stream().map(HostSpec::name).forEach(known::add);
        List<String> problems = new ArrayList<>();
        for (String t : selection.targets()) {
            if (!known.contains(t)) {
                problems.add("target: unknown host '" + t + "'");
            }
        }
        for (String e : selection.excludes()) {
            if (!known.contains(e)) {
                problems.add("exclude: unknown host '" + e + "'");
            }
        }
        if (!problems.isEmpty()) {
            throw new RefusedException(400, "plan " + plan.id() + " has no host " + String.join(", ", problems.stream()
                    .map(p -> p.substring(p.indexOf('\'') )).toList()) + "; its hosts are: " + String.join(", ", known),
                    problems);
        }
    }

    private HostsSpec specOf(Connection c, Plan plan) throws SQLException {
        return SpecValidator.validate(specs.find(c, plan.specVersion()).orElseThrow().content()).spec().orElseThrow(
                () -> new IllegalStateException("stored spec version " + plan.specVersion() + " no longer validates"));
    }
}
