package dev.fleetplane.provisioner.saga;

import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.EventKind;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.provisioning.IpResolved;
import dev.fleetplane.events.provisioning.ProvisioningFailed;
import dev.fleetplane.events.provisioning.ProvisioningSucceeded;
import dev.fleetplane.events.provisioning.HardwareConfigGenerated;
import dev.fleetplane.events.provisioning.HostKeyDiscovered;
import dev.fleetplane.events.provisioning.IpChanged;
import dev.fleetplane.events.provisioning.ProvisioningRetried;
import dev.fleetplane.events.provisioning.RebuildOutput;
import dev.fleetplane.events.provisioning.RebuildSucceeded;
import dev.fleetplane.events.provisioning.TailscaleEnrolled;
import dev.fleetplane.events.pve.QueryGuestNetwork;
import dev.fleetplane.messaging.EventSource;
import dev.fleetplane.messaging.Outbox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/**
 * Publishes what a saga step announces, through the outbox in the caller's transaction: keyed and
 * subjected by host, with the saga's correlation id and the event that caused the step as causation id.
 */
@ApplicationScoped
public class SagaEvents {

    @Inject
    Outbox outbox;

    @Inject
    EventSource source;

    public FleetEvent queryGuestNetwork(Connection c, Saga s, boolean preferIpv6) throws SQLException {
        return publish(c, s, EventCatalog.QUERY_GUEST_NETWORK, new QueryGuestNetwork(s.node(), s.vmid(), preferIpv6));
    }

    public FleetEvent ipResolved(Connection c, Saga s) throws SQLException {
        return publish(c, s, EventCatalog.IP_RESOLVED, new IpResolved(s.host(), s.vmid(), s.ip(), s.attempts()));
    }

    /** The switch is confirmed over a fresh connection at {@code s.ip()}. */
    public FleetEvent rebuildSucceeded(Connection c, Saga s, String command, List<String> tail, String systemAfter)
            throws SQLException {
        return publish(c, s, EventCatalog.REBUILD_SUCCEEDED, new RebuildSucceeded(s.host(), s.ip(), command,
                s.rebuildMillis(), tail, Saga.CONNECTION_LOST.equals(s.rebuildOutcome()), s.systemBefore(), systemAfter));
    }

    public FleetEvent ipChanged(Connection c, Saga s, String from, String to) throws SQLException {
        return publish(c, s, EventCatalog.IP_CHANGED, new IpChanged(s.host(), s.vmid(), from, to));
    }

    public FleetEvent rebuildOutput(Connection c, Saga s, int seq, List<String> lines, long dropped) throws SQLException {
        return publish(c, s, EventCatalog.REBUILD_OUTPUT, new RebuildOutput(s.host(), s.vmid(), seq, lines, dropped));
    }

    public FleetEvent hardwareConfig(Connection c, Saga s, HardwareConfigGenerated generated) throws SQLException {
        return publish(c, s, EventCatalog.HARDWARE_CONFIG_GENERATED, generated);
    }

    public FleetEvent hostKey(Connection c, Saga s, HostKeyDiscovered discovered) throws SQLException {
        return publish(c, s, EventCatalog.HOST_KEY_DISCOVERED, discovered);
    }

    public FleetEvent tailscale(Connection c, Saga s, List<String> tags) throws SQLException {
        return publish(c, s, EventCatalog.TAILSCALE_ENROLLED, new TailscaleEnrolled(s.host(), s.vmid(), tags));
    }

    public FleetEvent retried(Connection c, Saga s, String step, String requestedBy) throws SQLException {
        return publish(c, s, EventCatalog.PROVISIONING_RETRIED,
                new ProvisioningRetried(s.host(), s.vmid(), step, requestedBy));
    }

    public FleetEvent provisioned(Connection c, Saga s) throws SQLException {
        return publish(c, s, EventCatalog.PROVISIONING_SUCCEEDED, new ProvisioningSucceeded(s.host(), s.vmid(), s.ip()));
    }

    public FleetEvent failed(Connection c, Saga s, String step, String reason, List<String> tail) throws SQLException {
        return publish(c, s, EventCatalog.PROVISIONING_FAILED,
                new ProvisioningFailed(s.host(), s.vmid(), step, reason, tail == null ? List.of() : tail));
    }

    private <T> FleetEvent publish(Connection c, Saga s, EventKind<T> kind, T payload) throws SQLException {
        FleetEvent fresh = FleetEvent.create(kind, source.uri(), s.host(), payload, s.correlationId());
        FleetEvent event = new FleetEvent(fresh.id(), fresh.type(), fresh.source(), fresh.subject(), fresh.time(),
                fresh.correlationId(), s.lastEventId(), fresh.data());
        outbox.append(c, s.host(), event);
        return event;
    }
}
