package dev.fleetplane.provisioner.saga;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/** Where one host's provisioning stands; the database holds the {@link #label()}. */
public enum SagaState {
    /** Asking the guest agent (through the adapter) for a usable address. */
    RESOLVING_IP("resolving-ip"),
    /** A worker is logged in: hardware config, rollback watchdog armed, the rebuild command running. */
    REBUILDING("rebuilding"),
    /** After the switch: finding the guest again (its address may have changed) and confirming over a fresh connection. */
    CONFIRMING("confirming"),
    /** The switch is confirmed: host key, age recipient, Tailscale. */
    INTEGRATING("integrating"),
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
        return this != SUCCEEDED && this != FAILED;
    }

    /** States whose scheduler sends guest-network queries. */
    public boolean queries() {
        return this == RESOLVING_IP || this == CONFIRMING;
    }

    public static SagaState ofLabel(String label) {
        return Arrays.stream(values()).filter(s -> s.label.equals(label)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown saga state '" + label + "'"));
    }
}
