package dev.fleetplane.plancore.spec;

/** Nix could not turn the submitted source into JSON; {@link #kind()} says whether it was the source or the tool. */
public class NixEvaluationException extends Exception {

    /** Why evaluation failed. */
    public enum Kind {
        /** the source does not evaluate: the message is Nix's error with file and line */
        INVALID_SOURCE,
        /** evaluation ran longer than allowed */
        TIMEOUT,
        /** nix-instantiate is not installed or cannot be run */
        NIX_MISSING
    }

    private final Kind kind;

    public NixEvaluationException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
