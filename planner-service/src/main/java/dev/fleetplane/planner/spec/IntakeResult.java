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

    /** Why a spec was refused. */
    enum Reason {
        /** The input is wrong: 400. */
        INVALID,
        /** Nix cannot run here: 503. */
        NIX_MISSING,
        /** A patch names a host (or fleet) that does not exist: 404. */
        NOT_FOUND,
        /** A patch was computed against a spec version that is no longer the latest: 409. */
        CONFLICT
    }
}
