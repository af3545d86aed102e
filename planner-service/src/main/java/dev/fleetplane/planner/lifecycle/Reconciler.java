package dev.fleetplane.planner.lifecycle;

import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.EventKind;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.plans.HostStateChanged;
import dev.fleetplane.events.provisioning.IpResolved;
import dev.fleetplane.events.provisioning.ProvisionHost;
import dev.fleetplane.events.provisioning.ProvisioningFailed;
import dev.fleetplane.events.provisioning.ProvisioningSucceeded;
import dev.fleetplane.events.pve.ConfigureVm;
import dev.fleetplane.events.pve.GuestNetworkReported;
import dev.fleetplane.events.pve.PveOperationFailed;
import dev.fleetplane.events.pve.StartVm;
import dev.fleetplane.events.pve.VmCloned;
import dev.fleetplane.events.pve.VmConfigured;
import dev.fleetplane.events.pve.VmStarted;
import dev.fleetplane.messaging.EventIntake;
import dev.fleetplane.planner.Publisher;
import dev.fleetplane.planner.plan.Planning;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Moves hosts along their lifecycle as the adapter and the provisioner report back: each event is one
 * transaction (inbox row, host row, {@code HostStateChanged}, the next command).
 */
@ApplicationScoped
public class Reconciler {

    /** The inbox name of the planner's pve.events / provisioning.events consumers. */
    public static final String CONSUMER = "planner";

    private static final Logger LOG = Logger.getLogger(Reconciler.class);

    @Inject
    EventIntake intake;

    @Inject
    HostStore hosts;

    @Inject
    Publisher publisher;

    @Inject
    Planning planning;

    @Incoming("pve-events")
    @Blocking
    public void onPveEvent(ConsumerRecord<String, byte[]> record) {
        intake.consume(CONSUMER, record, this::handle);
    }

    @Incoming("provisioning-events")
    @Blocking
    public void onProvisioningEvent(ConsumerRecord<String, byte[]> record) {
        intake.consume(CONSUMER, record, this::handle);
    }

    void handle(FleetEvent e, Connection c) throws SQLException {
        if (e.is(EventCatalog.INVENTORY_OBSERVED)) {
            planning.onInventory(c, e);
        } else if (e.is(EventCatalog.VM_CLONED)) {
            VmCloned d = e.dataAs(EventCatalog.VM_CLONED);
            step(c, e, EventCatalog.VM_CLONED, d.vmid(), null, null, null);
        } else if (e.is(EventCatalog.VM_CONFIGURED)) {
            VmConfigured d = e.dataAs(EventCatalog.VM_CONFIGURED);
            step(c, e, EventCatalog.VM_CONFIGURED, d.vmid(), null, null, null);
        } else if (e.is(EventCatalog.VM_STARTED)) {
            VmStarted d = e.dataAs(EventCatalog.VM_STARTED);
            step(c, e, EventCatalog.VM_STARTED, d.vmid(), null, null, null);
        } else if (e.is(EventCatalog.PROVISIONING_SUCCEEDED)) {
            ProvisioningSucceeded d = e.dataAs(EventCatalog.PROVISIONING_SUCCEEDED);
            step(c, e, EventCatalog.PROVISIONING_SUCCEEDED, d.vmid(), null, null, d.ip());
        } else if (e.is(EventCatalog.PROVISIONING_FAILED)) {
            ProvisioningFailed d = e.dataAs(EventCatalog.PROVISIONING_FAILED);
            step(c, e, EventCatalog.PROVISIONING_FAILED, d.vmid(), d.step(), d.reason(), null);
        } else if (e.is(EventCatalog.PVE_OPERATION_FAILED)) {
            PveOperationFailed d = e.dataAs(EventCatalog.PVE_OPERATION_FAILED);
            step(c, e, EventCatalog.PVE_OPERATION_FAILED, d.vmid(), d.operation(),
                    d.failure() + (d.message() == null ? "" : ": " + d.message()), null);
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

    private void step(Connection c, FleetEvent e, EventKind<?> kind, int vmid, String step, String reason, String ip)
            throws SQLException {
        Optional<HostRecord> found = e.subject() == null ? Optional.empty() : hosts.lockByHostAndVmid(c, e.subject(), vmid);
        if (found.isEmpty()) {
            LOG.debugf("%s %s about %s (vmid %d) matches no managed host; ignored (correlation %s)", kind.name(),
                    e.id(), e.subject(), vmid, e.correlationId());
            return;
        }
        HostRecord host = found.get();
        Optional<HostState> next = HostLifecycle.next(host.state(), kind);
        if (next.isEmpty()) {
            LOG.infof("host %s: %s does not move it from %s; ignored (correlation %s)", host.host(), kind.name(),
                    host.state(), e.correlationId());
            return;
        }
        HostState to = next.get();
        String failedStep = to == HostState.Failed ? (step != null ? step : HostLifecycle.step(host.state())) : null;
        hosts.transition(c, host, to, failedStep, to == HostState.Failed ? reason : null);
        if (ip != null) {
            hosts.setIp(c, host, ip);
        }
        String shown = ip != null ? ip : host.ip();
        publisher.publish(c, host.fleet(), EventCatalog.HOST_STATE_CHANGED, host.host(),
                new HostStateChanged(host.fleet(), host.host(), host.vmid(), host.state().name(), to.name(),
                        to == HostState.Failed ? failedStep + ": " + reason : kind.name(), shown), null, e);
        LOG.infof("host %s: %s -> %s on %s (vmid %d, correlation %s)%s", host.host(), host.state(), to, kind.name(),
                host.vmid(), e.correlationId(), to == HostState.Failed ? " step " + failedStep + ": " + reason : "");
        command(c, host, to, e);
    }

    /** The command that starts the step a host just entered. */
    private void command(Connection c, HostRecord host, HostState state, FleetEvent cause) throws SQLException {
        HostDesired d = host.desired();
        switch (state) {
            case Configuring -> {
                Map<String, String> extra = new LinkedHashMap<>();
                extra.put("name", d.vmName());
                extra.put("agent", "1");
                extra.put("tags", "fleetplane");
                extra.put("description", "managed by fleetplane (fleet " + host.fleet() + ", host " + host.host() + ")");
                publisher.publish(c, host.host(), EventCatalog.CONFIGURE_VM, host.host(),
                        new ConfigureVm(host.node(), host.vmid(), d.cores(), d.memoryMb(), extra), null, cause);
            }
            case Starting -> publisher.publish(c, host.host(), EventCatalog.START_VM, host.host(),
                    new StartVm(host.node(), host.vmid()), null, cause);
            case Provisioning -> publisher.publish(c, host.host(), EventCatalog.PROVISION_HOST, host.host(),
                    new ProvisionHost(host.host(), host.node(), host.vmid(), d.user(), d.rebuildCommand()), null, cause);
            default -> {
                // Ready and Failed end the story; nothing to send.
            }
        }
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
