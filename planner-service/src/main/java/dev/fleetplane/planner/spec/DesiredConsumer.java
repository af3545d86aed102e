package dev.fleetplane.planner.spec;

import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.desired.PatchHost;
import dev.fleetplane.events.desired.SpecSubmitted;
import dev.fleetplane.messaging.ConsumerPipeline;
import dev.fleetplane.messaging.EventConsumer;
import dev.fleetplane.planner.PlannerConfig;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Reads {@code fleet.desired} through the {@link ConsumerPipeline}: a {@code SpecSubmitted} goes through the same
 * intake as a REST push, evaluated (Nix) before the transaction that records it with its inbox row; a
 * {@code PatchHost} is applied like a REST patch, inside that transaction.
 */
@ApplicationScoped
public class DesiredConsumer {

    /** SpecAccepted and SpecRejected are the planner's own answers on this topic. */
    private static final EventConsumer READS = EventConsumer.named(SpecIntake.CONSUMER)
            .handling(EventCatalog.SPEC_SUBMITTED, EventCatalog.PATCH_HOST)
            .ignoring(EventCatalog.SPEC_ACCEPTED, EventCatalog.SPEC_REJECTED);

    @Inject
    ConsumerPipeline pipeline;

    @Inject
    SpecIntake specs;

    @Inject
    PlannerConfig config;

    @Incoming("desired")
    @Blocking
    public void on(ConsumerRecord<String, byte[]> record) {
        pipeline.prepareThenCommit(READS, record, this::prepare);
    }

    ConsumerPipeline.Effect prepare(FleetEvent event) {
        if (event.is(EventCatalog.PATCH_HOST)) {
            PatchHost p = event.dataAs(EventCatalog.PATCH_HOST);
            HostPatch patch = hostPatch(new HostPatch(p.fleet(), p.host(), p.set() == null ? Map.of() : p.set(),
                    p.remove(), p.source(), p.revision(), p.baseVersion(), Optional.ofNullable(p.autoApprove()),
                    p.requestedBy() == null || p.requestedBy().isBlank() ? event.source() : p.requestedBy()));
            return c -> {
                specs.patch(c, patch, event);
                return null;
            };
        }
        SpecIntake.Evaluated evaluated = specs.evaluate(submission(event.dataAs(EventCatalog.SPEC_SUBMITTED)));
        return c -> {
            specs.record(c, evaluated, event);
            return null;
        };
    }

    /**
     * A host patch that arrived on {@code fleet.desired}: applied like a REST patch, with source {@code event}
     * unless it names one. A patch for an unknown host is answered with {@code SpecRejected} naming the host.
     */
    private HostPatch hostPatch(HostPatch patch) {
        return patch.source() == null || patch.source().isBlank()
                ? new HostPatch(patch.fleet() == null || patch.fleet().isBlank() ? config.spec().defaultFleet()
                        : patch.fleet(), patch.host(), patch.set(), patch.remove(), "event", patch.revision(),
                        patch.baseVersion(), patch.autoApprove(), patch.requestedBy())
                : patch;
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
