package dev.fleetplane.planner.lifecycle;

import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.EventKind;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.provisioning.ProvisioningSucceeded;
import dev.fleetplane.events.pve.VmCloned;
import dev.fleetplane.events.pve.VmConfigured;
import dev.fleetplane.events.pve.VmDestroyed;
import dev.fleetplane.events.pve.VmResized;
import dev.fleetplane.events.pve.VmStarted;
import dev.fleetplane.events.pve.VmStopped;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.function.ToIntFunction;
import org.jboss.logging.Logger;

/**
 * The lifecycle's reactions to the adapter's and the provisioner's answers: a step's answer moves its host along its
 * route, a failure of the step in flight fails it, a retried provisioning takes it back, and addresses are stored.
 * Events are matched to a host by subject and VMID.
 */
@ApplicationScoped
public class HostAnswers implements Reactions {

    private static final Logger LOG = Logger.getLogger(HostAnswers.class);

    @Inject
    HostStore hosts;

    @Inject
    HostScheduler scheduler;

    @Override
    public List<Reaction<?>> reactions() {
        return List.of(
                completion(EventCatalog.VM_CLONED, VmCloned::vmid),
                completion(EventCatalog.VM_CONFIGURED, VmConfigured::vmid),
                completion(EventCatalog.VM_RESIZED, VmResized::vmid),
                completion(EventCatalog.VM_STARTED, VmStarted::vmid),
                completion(EventCatalog.VM_STOPPED, VmStopped::vmid),
                completion(EventCatalog.VM_DESTROYED, VmDestroyed::vmid),
                Reaction.on(EventCatalog.PROVISIONING_SUCCEEDED, (c, e, d) ->
                        completed(c, e, EventCatalog.PROVISIONING_SUCCEEDED, d.vmid(), d.ip())),
                Reaction.on(EventCatalog.PROVISIONING_FAILED, (c, e, d) ->
                        failed(c, e, EventCatalog.PROVISIONING_FAILED, d.vmid(), null, d.step(), null, false,
                                d.reason())),
                Reaction.on(EventCatalog.PVE_OPERATION_FAILED, (c, e, d) ->
                        failed(c, e, EventCatalog.PVE_OPERATION_FAILED, d.vmid(), d.operation(), d.operation(),
                                d.failure(), d.retryable(),
                                d.failure() + (d.message() == null ? "" : ": " + d.message()))),
                Reaction.on(EventCatalog.PROVISIONING_RETRIED, (c, e, d) -> {
                    Optional<HostRecord> host = find(c, e, EventCatalog.PROVISIONING_RETRIED, d.vmid());
                    if (host.isPresent() && host.get().state() == HostState.Failed) {
                        scheduler.provisioningRetried(c, host.get(), d.step(), e);
                    }
                }),
                Reaction.on(EventCatalog.IP_CHANGED, (c, e, d) -> rememberIp(c, e, d.vmid(), d.to())),
                Reaction.on(EventCatalog.IP_RESOLVED, (c, e, d) -> rememberIp(c, e, d.vmid(), d.ip())),
                Reaction.on(EventCatalog.GUEST_NETWORK_REPORTED, (c, e, d) -> {
                    if (d.chosenIp() != null) {
                        rememberIp(c, e, d.vmid(), d.chosenIp());
                    }
                }));
    }

    private <T> Reaction<T> completion(EventKind<T> kind, ToIntFunction<T> vmid) {
        return Reaction.on(kind, (c, e, d) -> completed(c, e, kind, vmid.applyAsInt(d), null));
    }

    /** A step's answer: the host moves to the next state of its route, and that state's command goes out. */
    private void completed(Connection c, FleetEvent e, EventKind<?> kind, int vmid, String ip) throws SQLException {
        Optional<HostRecord> found = find(c, e, kind, vmid);
        if (found.isEmpty()) {
            return;
        }
        HostRecord host = found.get();
        Optional<HostState> next = HostLifecycle.next(host.state(), host.route(), kind);
        if (next.isEmpty()) {
            LOG.infof("%s does not move it from %s (%s); ignored", kind.name(), host.state(), host.action());
            return;
        }
        if (ip != null && !ip.equals(host.ip())) {
            hosts.setIp(c, host, ip);
            host = new HostRecord(host.fleet(), host.host(), host.vmid(), host.node(), host.state(), host.step(),
                    host.reason(), ip, host.planId(), host.desired(), host.change(), host.origin(), host.commandId(),
                    host.queuedAt(), host.startedAt(), host.readyAt(), host.updatedAt());
        }
        scheduler.enter(c, host, next.get(), kind.name(), e);
    }

    /**
     * A failure report, only when it is about the step in flight: a Proxmox step that may pass is sent again (bounded,
     * {@link StepRetry}); anything else fails the host. The provisioner retries its own steps, so its failure is final.
     *
     * @param failure the adapter's typed failure; null for the provisioner's
     */
    private void failed(Connection c, FleetEvent e, EventKind<?> kind, int vmid, String operation, String step,
                        String failure, boolean retryable, String reason) throws SQLException {
        Optional<HostRecord> found = find(c, e, kind, vmid);
        if (found.isEmpty()) {
            return;
        }
        HostRecord host = found.get();
        boolean causedByStep = host.commandId() != null && host.commandId().equals(e.causationId());
        if (!HostLifecycle.failsStep(host.state(), kind, operation) && !(host.state().inFlight() && causedByStep)) {
            LOG.infof("%s (%s) is not about its step in flight (%s); ignored", kind.name(), operation, host.state());
            return;
        }
        String failedStep = step != null && !step.isBlank() ? step : HostLifecycle.step(host.state());
        if (failure == null) {
            scheduler.fail(c, host, failedStep, reason, e);
        } else {
            scheduler.failOrRetry(c, host, failedStep, failure, retryable, reason, e);
        }
    }

    private Optional<HostRecord> find(Connection c, FleetEvent e, EventKind<?> kind, int vmid) throws SQLException {
        Optional<HostRecord> found = e.subject() == null ? Optional.empty() : hosts.lockByHostAndVmid(c, e.subject(), vmid);
        if (found.isEmpty()) {
            LOG.debugf("%s about vmid %d matches no managed host; ignored", kind.name(), vmid);
        }
        return found;
    }

    private void rememberIp(Connection c, FleetEvent e, int vmid, String ip) throws SQLException {
        if (e.subject() == null) {
            return;
        }
        Optional<HostRecord> host = hosts.lockByHostAndVmid(c, e.subject(), vmid);
        if (host.isPresent() && !ip.equals(host.get().ip())) {
            hosts.setIp(c, host.get(), ip);
            LOG.infof("ip %s", ip);
        }
    }
}
