package dev.fleetplane.provisioner.saga;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/** Where one host's provisioning stands; the database holds the {@link #label()}. */
public enum SagaState {
    RESOLVING_IP("resolving-ip"),
    REBUILDING("rebuilding"),
    SUCCEEDED("succeeded"),
    FAILED("failed");

    private final String label;

    SagaState(String label) {
        this.label = label;
    }

    @JsonValue
    public String label() {
        return label;
    }

    public boolean isActive() {
        return this == RESOLVING_IP || this == REBUILDING;
    }

    public static SagaState ofLabel(String label) {
        return Arrays.stream(values()).filter(s -> s.label.equals(label)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown saga state '" + label + "'"));
    }
}
