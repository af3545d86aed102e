package dev.fleetplane.planner.spec;

import dev.fleetplane.events.desired.SpecProblem;
import java.util.List;

/** What became of a submission. */
public sealed interface IntakeResult {

    /** Recorded as a new spec version; planning has started. */
    record Accepted(SpecVersion spec, List<SpecProblem> warnings) implements IntakeResult {
    }

    /**
     * Refused and recorded as {@code SpecRejected}; nothing changed.
     *
     * @param reason what kind of refusal, for the HTTP status
     */
    record Rejected(Reason reason, String error, List<SpecProblem> problems) implements IntakeResult {
    }

    /** The same event was handled before (a redelivery); nothing to do. */
    record Duplicate() implements IntakeResult {
    }

    /** Why a spec was refused. */
    enum Reason { INVALID, NIX_MISSING }
}
