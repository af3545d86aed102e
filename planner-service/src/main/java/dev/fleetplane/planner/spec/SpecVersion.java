package dev.fleetplane.planner.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * One accepted hosts file, immutable: its content is the evaluated JSON.
 *
 * @param requestedBy who asked for a patch version (null for a whole hosts file)
 * @param patch       what the host patch that made this version changed; null for a whole hosts file
 * @param reverts     the patches a whole hosts file undoes (empty for a patch version)
 * @param allowRevert the push acknowledged those reverts ({@code --allow-revert}); without it an auto-approved plan
 *                    of a version that reverts patches waits for {@code fleetplane apply}
 */
public record SpecVersion(long version, String fleet, String hash, String source, String revision,
                          JsonNode content, boolean autoApprove, OffsetDateTime acceptedAt, String requestedBy,
                          List<PatchedValue> patch, List<RevertedPatch> reverts, boolean allowRevert) {

    /** The correlation id of everything that follows from this version until its plan exists. */
    public String correlationId() {
        return correlationId(version);
    }

    public static String correlationId(long version) {
        return "spec-" + version;
    }

    /** Whether a host patch made this version (rather than a whole hosts file). */
    public boolean isPatch() {
        return patch != null;
    }

    /** An auto-approved plan of this version is applied by itself: no unacknowledged revert of a patch. */
    public boolean appliesItself() {
        return autoApprove && (reverts.isEmpty() || allowRevert);
    }
}
