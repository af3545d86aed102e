package dev.fleetplane.provisioner.steps;

import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.messaging.ConsumerPipeline;
import dev.fleetplane.messaging.EventConsumer;
import dev.fleetplane.provisioner.ipresolution.AgentAnswer;
import dev.fleetplane.provisioner.saga.ProvisioningSaga;
import dev.fleetplane.provisioner.saga.Saga;
import dev.fleetplane.provisioner.saga.SagaEvents;
import dev.fleetplane.provisioner.saga.SagaStore;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Reads the adapter's answers to QueryGuestNetwork on pve.events: a usable address moves the saga to
 * {@code rebuilding} (IpResolved the first time; when resolved again after a restart or a retry, IpChanged if the
 * guest moved; then the rebuild starts after commit), or after the switch hands the address to a
 * probe; anything else schedules the next query with backoff. Other event types, and answers for hosts without a resolving saga, are ignored.
 */
@ApplicationScoped
public class GuestNetworkAnswers {

    static final String CONSUMER = "provisioner.pve-events";
    /** Most of pve.events is for the planner: the inbox is not filled with events this service never reads. */
    private static final EventConsumer READS = EventConsumer.named(CONSUMER)
            .handlingOnly(EventCatalog.GUEST_NETWORK_REPORTED, EventCatalog.GUEST_AGENT_UNAVAILABLE);
    private static final Logger LOG = Logger.getLogger(GuestNetworkAnswers.class);

    @Inject
    ConsumerPipeline pipeline;

    @Inject
    SagaStore store;

    @Inject
    SagaEvents events;

    @Inject
    ProvisioningSaga saga;

    @Inject
    StepWorker worker;

    @Incoming("pve-events")
    @Blocking
    public void on(ConsumerRecord<String, byte[]> record) {
        // The worker's job runs after the commit: the worker must see the saga's new state.
        pipeline.prepareThenCommit(READS, record, event -> c -> handle(event, c));
    }

    /** Returns the worker job the answer starts (a rebuild, a probe), or null. */
    Runnable handle(FleetEvent event, Connection c) throws SQLException {
        AgentAnswer answer;
        int vmid;
        if (event.is(EventCatalog.GUEST_NETWORK_REPORTED)) {
            var reported = event.dataAs(EventCatalog.GUEST_NETWORK_REPORTED);
            answer = AgentAnswer.of(reported);
            vmid = reported.vmid();
        } else {
            var unavailable = event.dataAs(EventCatalog.GUEST_AGENT_UNAVAILABLE);
            answer = AgentAnswer.of(unavailable);
            vmid = unavailable.vmid();
        }
        String host = event.subject();
        Optional<Saga> found = host == null ? Optional.empty() : store.lock(c, host);
        if (found.isEmpty() || found.get().vmid() != vmid) {
            LOG.debugf("ignoring %s for %s/vmid %d: no provisioning saga of that host and vmid", event.type(), host, vmid);
            return null;
        }
        Saga current = found.get();
        ProvisioningSaga.Reply reply = saga.onAnswer(current, answer, event.id(), Instant.now());
        if (reply instanceof ProvisioningSaga.Reply.Resolved r) {
            store.save(c, r.saga());
            String before = current.ip();
            if (before == null) {
                events.ipResolved(c, r.saga());
                LOG.infof("address %s after %d %s", r.saga().ip(), r.saga().attempts(),
                        r.saga().attempts() == 1 ? "query" : "queries");
            } else if (!before.equals(r.saga().ip())) {
                // Resolved again (a resumed or retried saga): the guest moved while nobody watched.
                events.ipChanged(c, r.saga(), before, r.saga().ip());
                LOG.infof("the guest's address changed from %s to %s (resolved again after %d %s)", before,
                        r.saga().ip(), r.saga().attempts(), r.saga().attempts() == 1 ? "query" : "queries");
            } else {
                LOG.infof("address %s unchanged (resolved again after %d %s)", before, r.saga().attempts(),
                        r.saga().attempts() == 1 ? "query" : "queries");
            }
            return () -> worker.rebuild(host);
        }
        if (reply instanceof ProvisioningSaga.Reply.Probe p) {
            store.save(c, p.saga());
            LOG.infof("the guest agent reports %s after the switch; checking it over SSH as %s", p.address(),
                    current.user());
            return () -> worker.probe(host, p.address());
        }
        if (reply instanceof ProvisioningSaga.Reply.Retry r) {
            store.save(c, r.saga());
            LOG.infof("query %d gave no usable address: %s; asking again in %d ms", current.attempts(),
                    answer.reason(), r.delay().toMillis());
        } else if (reply instanceof ProvisioningSaga.Reply.Noted r) {
            store.save(c, r.saga());
            LOG.debugf("late answer without address: %s", answer.reason());
        } else {
            LOG.debugf("answer ignored, the saga is %s", current.state().label());
        }
        return null;
    }
}
