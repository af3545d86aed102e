package dev.fleetplane.planner.lifecycle;

import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.EventKind;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.messaging.ConsumerPipeline;
import dev.fleetplane.messaging.EventConsumer;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Moves hosts along their lifecycle as the adapter and the provisioner report back: each event is one
 * transaction (inbox row, host row, {@code HostStateChanged}, the next command, and the next pending host when
 * one settles). What each kind of event does is the {@link Reaction} registered for it.
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
    Instance<Reactions> contributions;

    private Map<EventKind<?>, Reaction<?>> registry;

    @PostConstruct
    void register() {
        registry = registry(contributions.stream().flatMap(r -> r.reactions().stream()).toList());
    }

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
        Reaction<?> reaction = EventCatalog.byType(e.type()).map(registry::get).orElse(null);
        if (reaction == null) {
            // Anything else on these topics (other services' conversations) is not the planner's business.
            return;
        }
        if (PowerStory.is(e.correlationId()) && !reaction.inPowerStories()) {
            // A day-2 power action's answer (VmStarted, VmStopped, VmRebooted, PveOperationFailed) is no step of a plan:
            // it must neither complete nor fail the host's step in flight. The event log keeps it.
            LOG.debugf("%s belongs to a day-2 power story; not a lifecycle answer", e.type());
            return;
        }
        reaction.react(c, e);
    }

    /** The reactions by kind; two for one kind would make the answer depend on the order of beans, so that fails. */
    static Map<EventKind<?>, Reaction<?>> registry(List<Reaction<?>> reactions) {
        Map<EventKind<?>, Reaction<?>> byKind = new HashMap<>();
        for (Reaction<?> r : reactions) {
            if (byKind.putIfAbsent(r.kind(), r) != null) {
                throw new IllegalStateException("two reactions to " + r.kind().type() + " are registered");
            }
        }
        return Map.copyOf(byKind);
    }
}
