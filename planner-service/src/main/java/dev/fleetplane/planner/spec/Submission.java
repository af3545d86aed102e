package dev.fleetplane.planner.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * A hosts file handed to the planner, by REST or by a {@code SpecSubmitted} event.
 *
 * @param autoApprove empty = as {@code _fleetplane.autoApprove} says (default false)
 * @param allowRevert the submitter acknowledges that the file undoes host patches it does not contain
 */
public record Submission(String fleet, String source, String revision, Optional<Boolean> autoApprove,
                         boolean allowRevert, Input input) {

    /** The spec itself in one of the forms the planner reads. */
    public sealed interface Input {
    }

    /** JSON text as received (parsed by the intake, so syntax errors name line and column). */
    public record JsonText(String text) implements Input {
    }

    /** Already-parsed JSON (from an event). */
    public record JsonTree(JsonNode tree) implements Input {
    }

    /** A submission that carries no usable spec (an event with neither or both forms); it is rejected. */
    public record Unusable(String reason) implements Input {
    }

    /** hosts.nix source, evaluated with nix-instantiate. */
    public record NixSource(String text) implements Input {
    }
}
