package dev.fleetplane.events.desired;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A whole desired-state spec, put on {@code fleet.desired} by CI or an operator. Exactly one of
 * {@code spec} (the evaluated hosts file as JSON) and {@code nixSource} (hosts.nix source text) is set.
 *
 * @param source      who submitted it: {@code ci}, {@code operator}, {@code event}
 * @param revision    the git revision of the file, when known
 * @param autoApprove apply the resulting plan without waiting for an operator
 * @param allowRevert the spec may undo host patches it does not contain (optional, added later: absent = false;
 *                    without it an auto-approved plan that reverts a patch waits for an operator)
 */
public record SpecSubmitted(String fleet, JsonNode spec, String nixSource, String source, String revision,
                            boolean autoApprove, Boolean allowRevert) {

    /** As before {@code allowRevert} existed. */
    public SpecSubmitted(String fleet, JsonNode spec, String nixSource, String source, String revision,
                         boolean autoApprove) {
        this(fleet, spec, nixSource, source, revision, autoApprove, null);
    }
}
