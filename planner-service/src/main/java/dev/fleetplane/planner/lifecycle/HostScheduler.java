package dev.fleetplane.planner.lifecycle;

import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.plans.HostStateChanged;
import dev.fleetplane.events.plans.PlannedChange;
import dev.fleetplane.events.pve.CloneVm;
import dev.fleetplane.events.pve.ObservedVm;
import dev.fleetplane.events.pve.QueryGuestNetwork;
import dev.fleetplane.plancore.plan.PlanDraft;
import dev.fleetplane.plancore.spec.HostSpec;
import dev.fleetplane.plancore.spec.HostsSpec;
import dev.fleetplane.plancore.spec.ProxmoxSettings;
import dev.fleetplane.plancore.spec.ProxmoxVm;
import dev.fleetplane.planner.Publisher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Starts the hosts of an applied plan: each planned change becomes the host's first lifecycle step and
 * its first command (adopted hosts become {@code Adopted} without a word to Proxmox, created hosts start
 * {@code Cloning}).
 */
@ApplicationScoped
public class HostScheduler {

    private static final Logger LOG = Logger.getLogger(HostScheduler.class);

    @Inject
    HostStore hosts;

    @Inject
    Publisher publisher;

    /** Starts every changed host of the plan inside the caller's transaction; {@code applied} is the cause. */
    public void schedule(Connection c, String fleet, String planId, List<PlannedChange> changes, HostsSpec spec,
                         List<ObservedVm> inventory, FleetEvent applied) throws SQLException {
        ProxmoxSettings px = spec.proxmox().orElse(null);
        for (PlannedChange change : changes) {
            if (change.action().equals(PlanDraft.NO_OP)) {
                continue;
            }
            HostSpec host = spec.hosts().stream().filter(h -> h.name().equals(change.host())).findFirst().orElseThrow();
            ProxmoxVm vm = host.proxmox().orElseThrow();
            HostDesired desired = new HostDesired(vm.name(), vm.cores(), vm.memoryMb(), vm.disk(),
                    vm.storage().orElse(px.defaultStorage()), px.templateVmid(), host.user(),
                    spec.rebuildCommandFor(host));
            HostState to = change.action().equals(PlanDraft.ADOPT) ? HostState.Adopted : HostState.Cloning;
            Optional<HostRecord> before = hosts.lock(c, fleet, host.name());
            HostState from = before.map(HostRecord::state).orElse(null);
            if (!HostLifecycle.allowed(from, to)) {
                LOG.warnf("fleet %s host %s: is %s, cannot go to %s; left alone (correlation %s)", fleet,
                        host.name(), from, to, planId);
                continue;
            }
            HostRecord record = new HostRecord(fleet, host.name(), vm.vmid(), change.node(), to, null, null,
                    null, planId, desired, null, null, null);
            hosts.start(c, record);
            publisher.publish(c, fleet, EventCatalog.HOST_STATE_CHANGED, host.name(),
                    new HostStateChanged(fleet, host.name(), vm.vmid(), from == null ? null : from.name(),
                            to.name(), "plan " + planId, null), null, applied);
            if (to == HostState.Adopted) {
                Optional<ObservedVm> observed = inventory.stream().filter(o -> o.vmid() == vm.vmid()).findFirst();
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
            LOG.infof("fleet %s host %s: %s -> %s (vmid %d, correlation %s)", fleet, host.name(), from, to,
                    vm.vmid(), planId);
        }
    }
}
