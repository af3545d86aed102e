package dev.fleetplane.planner.plan;

import dev.fleetplane.plancore.plan.PlanDraft;

import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.plans.HostStateChanged;
import dev.fleetplane.events.plans.PlanApplied;
import dev.fleetplane.events.plans.PlannedChange;
import dev.fleetplane.events.pve.CloneVm;
import dev.fleetplane.events.pve.ObservedVm;
import dev.fleetplane.events.pve.QueryGuestNetwork;
import dev.fleetplane.messaging.Database;
import dev.fleetplane.planner.Publisher;
import dev.fleetplane.planner.lifecycle.HostDesired;
import dev.fleetplane.planner.lifecycle.HostLifecycle;
import dev.fleetplane.planner.lifecycle.HostRecord;
import dev.fleetplane.planner.lifecycle.HostState;
import dev.fleetplane.planner.lifecycle.HostStore;
import dev.fleetplane.plancore.spec.HostSpec;
import dev.fleetplane.plancore.spec.HostsSpec;
import dev.fleetplane.plancore.spec.ProxmoxSettings;
import dev.fleetplane.plancore.spec.ProxmoxVm;
import dev.fleetplane.planner.spec.SpecStore;
import dev.fleetplane.plancore.spec.SpecValidator;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Applies a plan: records the approval ({@code PlanApplied}) and starts every host the plan touches —
 * adopted hosts become {@code Adopted} without a word to Proxmox, created hosts start {@code Cloning}.
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
        ProxmoxSettings px = spec.proxmox().orElse(null);
        for (PlannedChange change : plan.changes()) {
            if (change.action().equals(PlanDraft.NO_OP)) {
                continue;
            }
            HostSpec host = spec.hosts().stream().filter(h -> h.name().equals(change.host())).findFirst().orElseThrow();
            ProxmoxVm vm = host.proxmox().orElseThrow();
            HostDesired desired = new HostDesired(vm.name(), vm.cores(), vm.memoryMb(), vm.disk(),
                    vm.storage().orElse(px.defaultStorage()), px.templateVmid(), host.user(),
                    spec.rebuildCommandFor(host));
            HostState to = change.action().equals(PlanDraft.ADOPT) ? HostState.Adopted : HostState.Cloning;
            Optional<HostRecord> before = hosts.lock(c, plan.fleet(), host.name());
            HostState from = before.map(HostRecord::state).orElse(null);
            if (!HostLifecycle.allowed(from, to)) {
                LOG.warnf("fleet %s host %s: is %s, cannot go to %s; left alone (correlation %s)", plan.fleet(),
                        host.name(), from, to, plan.id());
                continue;
            }
            HostRecord record = new HostRecord(plan.fleet(), host.name(), vm.vmid(), change.node(), to, null, null,
                    null, plan.id(), desired, null, null, null);
            hosts.start(c, record);
            publisher.publish(c, plan.fleet(), EventCatalog.HOST_STATE_CHANGED, host.name(),
                    new HostStateChanged(plan.fleet(), host.name(), vm.vmid(), from == null ? null : from.name(),
                            to.name(), "plan " + plan.id(), null), null, applied);
            if (to == HostState.Adopted) {
                Optional<ObservedVm> observed = plan.inventory().stream().filter(o -> o.vmid() == vm.vmid()).findFirst();
                if (observed.isPresent() && "running".equals(observed.get().status())) {
                    // Read-only: the address makes the status useful; nothing is changed on the VM.
                    publisher.publish(c, host.name(), EventCatalog.QUERY_GUEST_NETWORK, host.name(),
                            new QueryGuestNetwork(change.node(), vm.vmid(), false), null, applied);
                }
            } else {
                publisher.publish(c, host.name(), EventCatalog.CLONE_VM, host.name(),
                        new CloneVm(change.node(), px.templateVmid(), vm.vmid(), vm.name(), desired.storage(), true),
                        null, applied);
            }
            LOG.infof("fleet %s host %s: %s -> %s (vmid %d, correlation %s)", plan.fleet(), host.name(), from, to,
                    vm.vmid(), plan.id());
        }
    }
}
