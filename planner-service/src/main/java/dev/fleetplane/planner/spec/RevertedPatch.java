package dev.fleetplane.planner.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * A host patch that a whole hosts file undoes because the file never got it.
 *
 * @param pushed what the pushed file has at the patched attribute, null when it does not set it
 */
public record RevertedPatch(RecordedPatch patch, JsonNode pushed) {

    public RevertedPatch {
        pushed = pushed == null || pushed.isNull() || pushed.isMissingNode() ? null : pushed;
    }

    /**
     * {@code reverts patch of web.proxmox.memory 4096 → 8192 by alice at 2026-12-07T10:00:00Z (spec version 3)};
     * {@code overrides patch ... with 2048} when the file has a third value.
     */
    public String note() {
        PatchedValue c = patch.change();
        String who = " by " + patch.requestedBy() + " at " + DateTimeFormatter.ISO_INSTANT.format(
                patch.requestedAt().withOffsetSameInstant(ZoneOffset.UTC).toInstant().truncatedTo(ChronoUnit.SECONDS))
                + " (spec version " + patch.specVersion() + ")";
        if (c.path().isEmpty()) {
            return "reverts patch removing host " + c.host() + who;
        }
        String what = "patch of " + c.attribute() + " " + value(c.before(), "(unset)") + " → "
                + value(c.after(), "(removed)") + who;
        return PatchReverts.same(pushed, c.before()) ? "reverts " + what
                : "overrides " + what + " with " + value(pushed, "(unset)");
    }

    private static String value(JsonNode v, String absent) {
        return v == null ? absent : v.toString();
    }
}
