package dev.fleetplane.planner.spec;

import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.desired.PatchHost;
import dev.fleetplane.events.desired.SpecSubmitted;
import dev.fleetplane.messaging.DeadLetters;
import dev.fleetplane.messaging.EventIntake;
import dev.fleetplane.planner.PlannerConfig;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Reads {@code fleet.desired}: a {@code SpecSubmitted} goes through the same intake as a REST push. Nix
 * evaluation happens in the intake before its transaction, which is why this consumer does not use
 * {@link EventIntake#consume}.
 */
@ApplicationScoped
public class DesiredConsumer {

    private static final Logger LOG = Logger.getLogger(DesiredConsumer.class);

    @Inject
    EventIntake intake;

    @Inject
    SpecIntake specs;

    @Inject
    DeadLetters deadLetters;

    @Inject
    PlannerConfig config;

    @Incoming("desired")
    @Blocking
    public void on(ConsumerRecord<String, byte[]> record) {
        Optional<FleetEvent> decoded = intake.decode(SpecIntake.CONSUMER, record);
        if (decoded.isEmpty()) {
            return;
        }
        FleetEvent event = decoded.get();
        if (event.is(EventCatalog.PATCH_HOST)) {
            PatchHost p = event.dataAs(EventCatalog.PATCH_HOST);
            onHostPatch(new HostPatch(p.fleet(), p.host(), p.set() == null ? Map.of() : p.set(), p.remove(),
                    p.source(), p.revision(), p.baseVersion(), Optional.ofNullable(p.autoApprove()),
                    p.requestedBy() == null || p.requestedBy().isBlank() ? event.source() : p.requestedBy()),
                    event, record);
            return;
        }
        if (!event.is(EventCatalog.SPEC_SUBMITTED)) {
            // SpecAccepted / SpecRejected are the planner's own answers on this topic.
            return;
        }
        try {
            SpecSubmitted s = event.dataAs(EventCatalog.SPEC_SUBMITTED);
            specs.submit(submission(s), event);
        } catch (RuntimeException e) {
            LOG.errorf("SpecSubmitted %s (correlation %s) could not be handled: %s", event.id(), event.correlationId(),
                    e.toString());
            deadLetters.send(SpecIntake.CONSUMER, record, "handler failed: " + e);
        }
    }

    /**
     * A host patch that arrived on {@code fleet.desired}: applied like a REST patch, with source {@code event}
     * unless it names one. A patch for an unknown host is answered with {@code SpecRejected} naming the host.
     * The event is {@code PatchHost} ({@code fleetplane.spec.host-patch-requested.v1}).
     */
    void onHostPatch(HostPatch patch, FleetEvent event, ConsumerRecord<String, byte[]> record) {
        HostPatch p = patch.source() == null || patch.source().isBlank()
                ? new HostPatch(patch.fleet() == null || patch.fleet().isBlank() ? config.spec().defaultFleet()
                        : patch.fleet(), patch.host(), patch.set(), patch.remove(), "event", patch.revision(),
                        patch.baseVersion(), patch.autoApprove(), patch.requestedBy())
                : patch;
        try {
            specs.patch(p, event);
        } catch (RuntimeException e) {
            LOG.errorf("host patch %s of %s (correlation %s) could not be handled: %s", event.id(), patch.host(),
                    event.correlationId(), e.toString());
            deadLetters.send(SpecIntake.CONSUMER, record, "handler failed for host patch of " + patch.host() + ": " + e);
        }
    }

    private Submission submission(SpecSubmitted s) {
        String fleet = s.fleet() == null || s.fleet().isBlank() ? config.spec().defaultFleet() : s.fleet();
        String source = s.source() == null || s.source().isBlank() ? "event" : s.source();
        boolean hasSpec = s.spec() != null && !s.spec().isNull();
        boolean hasNix = s.nixSource() != null && !s.nixSource().isBlank();
        Submission.Input input;
        if (hasSpec && hasNix) {
            input = new Submission.Unusable("SpecSubmitted has both spec and nixSource; send exactly one");
        } else if (hasNix) {
            input = new Submission.NixSource(s.nixSource());
        } else if (hasSpec) {
            input = new Submission.JsonTree(s.spec());
        } else {
            input = new Submission.Unusable("SpecSubmitted has neither spec nor nixSource; send exactly one");
        }
        return new Submission(fleet, source, s.revision(), s.autoApprove() ? Optional.of(true) : Optional.empty(),
                Boolean.TRUE.equals(s.allowRevert()), input);
    }
}
