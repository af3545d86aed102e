package dev.fleetplane.planner.lifecycle;

import dev.fleetplane.events.plans.PlannedChange;
import java.util.Optional;

/**
 * What a computed, not yet applied plan means for a host it names: a settled host the plan would change has drifted
 * from the desired state, and a drifted host the plan leaves alone matches it again. Pure; {@link HostScheduler}
 * writes the move, so status shows {@code Reconciled=False/Drifted} before anyone applies anything.
 */
public final class Drift {

    /** The state the host moves to, and why. */
    public record Move(HostState to, String reason) {
    }

    private Drift() {
    }

    /** The move plan {@code planId}'s {@code change} makes {@code host} take; empty when it stays where it is. */
    public static Optional<Move> decide(HostRecord host, String planId, PlannedChange change) {
        // Create and adopt name hosts fleetplane does not manage yet (or no longer): nothing of theirs drifted.
        boolean differs = !change.action().equals(HostLifecycle.NO_OP) && !change.action().equals(HostLifecycle.ADOPT)
                && !change.action().equals(HostLifecycle.CREATE);
        HostState state = host.state();
        if (differs && (state == HostState.Ready || state == HostState.Adopted || state == HostState.Drifted)) {
            String why = "plan " + planId + " would " + change.action()
                    + (change.changes() == null || change.changes().isEmpty() ? "" : ": " + String.join(", ", change.changes()));
            if (state == HostState.Drifted && why.equals(host.reason())) {
                return Optional.empty();
            }
            return Optional.of(new Move(HostState.Drifted, why));
        }
        if (!differs && state == HostState.Drifted) {
            HostState settled = host.route().end() == HostState.Adopted || host.origin() == HostLifecycle.Origin.adopted
                    ? HostState.Adopted : HostState.Ready;
            return Optional.of(new Move(settled, "plan " + planId + ": matches the spec again"));
        }
        return Optional.empty();
    }
}
