package dev.fleetplane.planner.plan;

import dev.fleetplane.plancore.plan.DiffEngine;
import dev.fleetplane.plancore.plan.PlanDraft;
import dev.fleetplane.plancore.plan.PlanRenderer;

import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.plans.PlanComputed;
import dev.fleetplane.events.pve.InventoryObserved;
import dev.fleetplane.events.pve.ObservedVm;
import dev.fleetplane.events.pve.SyncInventory;
import dev.fleetplane.planner.Publisher;
import dev.fleetplane.planner.lifecycle.HostStore;
import dev.fleetplane.plancore.spec.HostsSpec;
import dev.fleetplane.planner.spec.SpecStore;
import dev.fleetplane.plancore.spec.SpecValidator;
import dev.fleetplane.planner.spec.SpecVersion;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Turns an accepted spec version into a plan: asks the adapter for the inventory, and when the matching
 * {@code InventoryObserved} arrives (same correlation id) runs the diff engine, stores the plan and
 * announces it. Auto-approved plans are applied in the same transaction.
 */
@ApplicationScoped
public class Planning {

    private static final Logger LOG = Logger.getLogger(Planning.class);

    @Inject
    Publisher publisher;

    @Inject
    SpecStore specs;

    @Inject
    PlanStore plans;

    @Inject
    HostStore hosts;

    @Inject
    PlanApproval approval;

    /** Called in the transaction that accepted {@code v}. */
    public void start(Connection c, SpecVersion v, HostsSpec spec, FleetEvent accepted) throws SQLException {
        if (spec.proxmox().isEmpty()) {
            // Nothing lives on Proxmox, so no inventory is needed: the plan is the empty one.
            record(c, v, spec, List.of(), null, accepted);
            return;
        }
        String node = spec.proxmox().get().node();
        publisher.publish(c, node, EventCatalog.SYNC_INVENTORY, node,
                new SyncInventory("plan spec version " + v.version() + " of fleet " + v.fleet()),
                v.correlationId(), accepted);
    }

    /** Handles an {@code InventoryObserved}; ignores observations no spec version is waiting for. */
    public void onInventory(Connection c, FleetEvent event) throws SQLException {
        Optional<Long> version = specVersionOf(event.correlationId());
        if (version.isEmpty()) {
            LOG.debugf("inventory %s (correlation %s) answers no spec version; ignored", event.id(),
                    event.correlationId());
            return;
        }
        Optional<SpecVersion> v = specs.find(c, version.get());
        if (v.isEmpty()) {
            LOG.warnf("inventory %s names spec version %d, which does not exist; ignored", event.id(), version.get());
            return;
        }
        if (plans.findBySpecVersion(c, version.get()).isPresent()) {
            LOG.infof("spec version %d already has a plan; inventory %s ignored", version.get(), event.id());
            return;
        }
        HostsSpec spec = SpecValidator.validate(v.get().content()).spec().orElseThrow(
                () -> new IllegalStateException("stored spec version " + version.get() + " no longer validates"));
        InventoryObserved inventory = event.dataAs(EventCatalog.INVENTORY_OBSERVED);
        record(c, v.get(), spec, inventory.vms() == null ? List.of() : inventory.vms(), inventory.digest(), event);
    }

    private void record(Connection c, SpecVersion v, HostsSpec spec, List<ObservedVm> observed, String digest,
                        FleetEvent cause) throws SQLException {
        PlanDraft draft = DiffEngine.diff(spec, observed, hosts.managed(c, v.fleet()));
        String text = PlanRenderer.render(v.fleet(), v.version(), draft);
        String id = planId(v.version(), digest);
        Plan plan = new Plan(id, v.fleet(), v.version(), digest, observed, draft.changes(), draft.errors(), text,
                draft.toAdd(), draft.toChange(), draft.toDestroy(), draft.toAdopt(), null, null, null);
        if (!plans.insert(c, plan)) {
            return;
        }
        FleetEvent computed = publisher.publish(c, v.fleet(), EventCatalog.PLAN_COMPUTED, v.fleet(),
                new PlanComputed(id, v.fleet(), v.version(), digest, draft.changes(), draft.toAdd(), draft.toChange(),
                        draft.toDestroy(), draft.toAdopt(), draft.errors(), text),
                v.correlationId(), cause);
        LOG.infof("fleet %s: plan %s for spec version %d: %d to adopt, %d to add, %d errors (correlation %s)",
                v.fleet(), id, v.version(), draft.toAdopt(), draft.toAdd(), draft.errors().size(), v.correlationId());
        if (v.autoApprove()) {
            if (draft.hasErrors()) {
                LOG.warnf("fleet %s: plan %s has errors; auto-approve skipped", v.fleet(), id);
            } else {
                approval.apply(c, plans.find(c, id, true).orElseThrow(), "auto-approve", computed);
            }
        }
    }

    /** Readable and unique: one plan per spec version, tagged with the inventory it saw. */
    static String planId(long specVersion, String digest) {
        String d = digest == null ? "" : digest.substring(digest.lastIndexOf(':') + 1).replaceAll("[^a-zA-Z0-9]", "");
        return "plan-" + specVersion + (d.isEmpty() ? "" : "-" + d.substring(0, Math.min(8, d.length())));
    }

    static Optional<Long> specVersionOf(String correlationId) {
        if (correlationId == null || !correlationId.startsWith("spec-")) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(correlationId.substring("spec-".length())));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
