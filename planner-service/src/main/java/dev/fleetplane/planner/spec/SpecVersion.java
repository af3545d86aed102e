package dev.fleetplane.planner.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;

/** One accepted hosts file, immutable: its content is the evaluated JSON. */
public record SpecVersion(long version, String fleet, String hash, String source, String revision,
                          JsonNode content, boolean autoApprove, OffsetDateTime acceptedAt) {

    /** The correlation id of everything that follows from this version until its plan exists. */
    public String correlationId() {
        return correlationId(version);
    }

    public static String correlationId(long version) {
        return "spec-" + version;
    }
}
