package dev.fleetplane.templates.saga;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/** Where a build stands; the label is the {@code build.state} column. */
public enum BuildState {
    /** The builder's own work: build, find and hash the artefact, check it, and (sftp) copy it to the node. */
    BUILDING("building"),
    /** api: the adapter uploads the qcow2 as import content. */
    UPLOADING("uploading"),
    /** The candidate is being restored (sftp) or created with import-from (api). */
    REGISTERING("registering"),
    PROBE_CLONING("probe-cloning"),
    PROBE_STARTING("probe-starting"),
    /** Asking the probe's guest agent for an address until the deadline. */
    PROBING("probing"),
    /** The builder logs in to the probe with the fleet key. */
    LOGGING_IN("logging-in"),
    PROBE_STOPPING("probe-stopping"),
    PROBE_DESTROYING("probe-destroying"),
    CONVERTING("converting"),
    READY("ready"),
    /** Failed: taking down what the build created, in order (probe stop, probe destroy, candidate destroy). */
    CLEANING_STOP_PROBE("cleaning-stop-probe"),
    CLEANING_DESTROY_PROBE("cleaning-destroy-probe"),
    CLEANING_DESTROY_CANDIDATE("cleaning-destroy-candidate"),
    REJECTED("rejected");

    private final String label;

    BuildState(String label) {
        this.label = label;
    }

    /** As the {@code build} table and the REST answers spell it. */
    @JsonValue
    public String label() {
        return label;
    }

    public boolean isFinal() {
        return this == READY || this == REJECTED;
    }

    public boolean isCleaning() {
        return this == CLEANING_STOP_PROBE || this == CLEANING_DESTROY_PROBE || this == CLEANING_DESTROY_CANDIDATE;
    }

    /** The step a failure in this state is reported under (TemplateRejected's {@code step}). */
    public String step() {
        return switch (this) {
            case BUILDING -> "build";
            case UPLOADING -> "upload";
            case REGISTERING -> "register";
            case PROBE_CLONING, PROBE_STARTING, PROBING, LOGGING_IN, PROBE_STOPPING, PROBE_DESTROYING -> "smoke-test";
            case CONVERTING -> "convert";
            default -> label;
        };
    }

    public static BuildState of(String label) {
        return Arrays.stream(values()).filter(s -> s.label.equals(label)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown build state '" + label + "'"));
    }
}
