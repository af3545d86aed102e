package dev.fleetplane.planner.lifecycle;

import java.util.UUID;

/**
 * The correlation ids of day-2 power actions ({@code power-<uuid>}). Their answers carry a host's subject and VMID
 * like a step's answer would, but are no step of a plan; the lifecycle owns the id so the reconciler can tell them
 * apart without depending on power, which makes them.
 */
public final class PowerStory {

    /** Correlation ids of day-2 power stories start with this. */
    public static final String PREFIX = "power-";

    private PowerStory() {
    }

    /** A new story's correlation id. */
    public static String newId() {
        return PREFIX + UUID.randomUUID();
    }

    /** Whether an event belongs to a day-2 power story (not to a plan). */
    public static boolean is(String correlationId) {
        return correlationId != null && correlationId.startsWith(PREFIX);
    }
}
