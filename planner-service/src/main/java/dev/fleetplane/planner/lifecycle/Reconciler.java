package dev.fleetplane.planner.lifecycle;

import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.EventKind;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.provisioning.IpResolved;
import dev.fleetplane.events.provisioning.ProvisioningFailed;
import dev.fleetplane.events.provisioning.ProvisioningSucceeded;
import dev.fleetplane.events.pve.GuestNetworkReported;
import dev.fleetplane.events.pve.PveOperationFailed;
import dev.fleetplane.messaging.ConsumerPipeline;
import dev.fleetplane.messaging.EventConsumer;
import dev.fleetplane.planner.plan.Planning;
import dev.fleetplane.planner.power.PowerCommands;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Moves hosts along their lifecycle as the adapter and the provisioner report back: each event is one
 * transaction (inbox row, host row, {@code HostStateChanged}, the next command, and the next pending host when
 * one settles).
 */
@ApplicationScoped
public class Reconciler {

    /** The inbox name of the planner's pve.events / provisioning.events consumers. */
    public static final String CONSUMER = "planner";

    /** Every type on both topics: the rest of them are other services' conversations, skipped in {@link #handle}. */
    private static final EventConsumer READS = EventConsumer.named(CONSUMER);

    private static final Logger LOG = Logger.getLogger(Reconciler.class);

    @Inject
    ConsumerPipeline pipeline;

    @Inject
    HostStore hosts;

    @Inject
    HostScheduler scheduler;

    @Inject
    Planning planning;

    @Incoming("pve-events")
    @Blocking
    public void onPveEvent(ConsumerRecord<String, byte[]> record) {
        pipeline.consume(READS, record, this::handle);
    }

    @Incoming("provisioning-events")
    @Blocking
    public void onProvisioningEvent(ConsumerRecord<String, byte[]> record) {
        pipeline.consume(READS, record, this::handle);
    }

    void handle(FleetEvent e, Connection c) throws SQLException {
        if (PowerCommands.isPowerStory(e.correlationId()) && !e.is(EventCatalog.INVENTORY_OBSERVED)) {
            // A day-2 power action's answer (VmStarted, VmStopped, VmRebooted, PveOperationFailed) is no step of a plan:
            // it must neither complete nor fail the host's step in flight. The event log keeps it.
            LOG.debugf("%s %s belongs to day-2 power story %s; not a lifecycle answer", e.type(), e.id(),
                    e.correlationId());
            return;
        }
        if (e.is(EventCatalog.INVENTORY_OBSERVED)) {
            // Planning marks the hosts a computed plan would change as Drifted (HostScheduler.observePlan).
            planning.onInventory(c, e);
        } else if (e.is(EventCatalog.VM_CLONED)) {
            completed(c, e, EventCatalog.VM_CLONED, e.dataAs(EventCatalog.VM_CLONED).vmid(), null);
        } else if (e.is(EventCatalog.VM_CONFIGURED)) {
            completed(c, e, EventCatalog.VM_CONFIGURED, e.dataAs(EventCatalog.VM_CONFIGURED).vmid(), null);
        } else if (e.is(EventCatalog.VM_RESIZED)) {
            completed(c, e, EventCatalog.VM_RESIZED, e.dataAs(EventCatalog.VM_RESIZED).vmid(), null);
        } else if (e.is(EventCatalog.VM_STARTED)) {
            completed(c, e, EventCatalog.VM_STARTED, e.dataAs(EventCatalog.VM_STARTED).vmid(), null);
        } else if (e.is(EventCatalog.VM_STOPPED)) {
            completed(c, e, EventCatalog.VM_STOPPED, e.dataAs(EventCatalog.VM_STOPPED).vmid(), null);
        } else if (e.is(EventCatalog.VM_DESTROYED)) {
            completed(c, e, EventCatalog.VM_DESTROYED, e.dataAs(EventCatalog.VM_DESTROYED).vmid(), null);
        } else if (e.is(EventCatalog.PROVISIONING_SUCCEEDED)) {
            ProvisioningSucceeded d = e.dataAs(EventCatalog.PROVISIONING_SUCCEEDED);
            completed(c, e, EventCatalog.PROVISIONING_SUCCEEDED, d.vmid(), d.ip());
        } else if (e.is(EventCatalog.PROVISIONING_FAILED)) {
            ProvisioningFailed d = e.dataAs(EventCatalog.PROVISIONING_FAILED);
            failed(c, e, EventCatalog.PROVISIONING_FAILED, d.vmid(), null, d.step(), d.reason());
        } else if (e.is(EventCatalog.PVE_OPERATION_FAILED)) {
            PveOperationFailed d = e.dataAs(EventCatalog.PVE_OPERATION_FAILED);
            failed(c, e, EventCatalog.PVE_OPERATION_FAILED, d.vmid(), d.operation(), d.operation(),
                    d.failure() + (d.message() == null ? "" : ": " + d.message()));
        } else if (e.is(EventCatalog.PROVISIONING_RETRIED)) {
            var d = e.dataAs(EventCatalog.PROVISIONING_RETRIED);
            Optional<HostRecord> host = find(c, e, EventCatalog.PROVISIONING_RETRIED, d.vmid());
            if (host.isPresent() && host.get().state() == HostState.Failed) {
                scheduler.provisioningRetried(c, host.get(), d.step(), e);
            }
        } else if (e.is(EventCatalog.IP_CHANGED)) {
            var d = e.dataAs(EventCatalog.IP_CHANGED);
            rememberIp(c, e, d.vmid(), d.to());
        } else if (e.is(EventCatalog.IP_RESOLVED)) {
            IpResolved d = e.dataAs(EventCatalog.IP_RESOLVED);
            rememberIp(c, e, d.vmid(), d.ip());
        } else if (e.is(EventCatalog.GUEST_NETWORK_REPORTED)) {
            GuestNetworkReported d = e.dataAs(EventCatalog.GUEST_NETWORK_REPORTED);
            if (d.chosenIp() != null) {
                rememberIp(c, e, d.vmid(), d.chosenIp());
            }
        }
        // Anything else on these topics (other services' conversations) is not the planner's business.
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
            LOG.infof("host %s: %s does not move it from %s (%s); ignored (correlation %s)", host.host(), kind.name(),
                    host.state(), host.action(), e.correlationId());
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

    /** A failure report: fails the host only when it is about the step in flight. */
    private void failed(Connection c, FleetEvent e, EventKind<?> kind, int vmid, String operation, String step,
                        String reason) throws SQLException {
        Optional<HostRecord> found = find(c, e, kind, vmid);
        if (found.isEmpty()) {
            return;
        }
        HostRecord host = found.get();
        boolean causedByStep = host.commandId() != null && host.commandId().equals(e.causationId());
        if (!HostLifecycle.failsStep(host.state(), kind, operation) && !(host.state().inFlight() && causedByStep)) {
            LOG.infof("host %s: %s (%s) is not about its step in flight (%s); ignored (correlation %s)", host.host(),
                    kind.name(), operation, host.state(), e.correlationId());
            return;
        }
        String failedStep = step != null && !step.isBlank() ? step : HostLifecycle.step(host.state());
        scheduler.fail(c, host, failedStep, reason, e);
    }

    private Optional<HostRecord> find(Connection c, FleetEvent e, EventKind<?> kind, int vmid) throws SQLException {
        Optional<HostRecord> found = e.subject() == null ? Optional.empty() : hosts.lockByHostAndVmid(c, e.subject(), vmid);
        if (found.isEmpty()) {
            LOG.debugf("%s %s about %s (vmid %d) matches no managed host; ignored (correlation %s)", kind.name(),
                    e.id(), e.subject(), vmid, e.correlationId());
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
            LOG.infof("host %s: ip %s (correlation %s)", e.subject(), ip, e.correlationId());
        }
    }
}
