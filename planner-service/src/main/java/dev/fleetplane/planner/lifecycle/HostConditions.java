package dev.fleetplane.planner.lifecycle;

import java.util.List;

/**
 * The two conditions every view of a host shows, Kubernetes style: {@code Ready} (the host is up and usable)
 * and {@code Reconciled} (it matches the desired state). Pure: derived from the host row.
 */
public final class HostConditions {

    /** One condition: {@code status} is {@code True} or {@code False}; {@code reason} is a CamelCase word. */
    public record Condition(String type, String status, String reason, String message) {
    }

    public static final String READY = "Ready";
    public static final String RECONCILED = "Reconciled";

    private HostConditions() {
    }

    public static List<Condition> of(HostRecord h) {
        return List.of(ready(h), reconciled(h));
    }

    static Condition ready(HostRecord h) {
        // A host that was up before this plan stays usable while it waits, is updated in place, or drifts.
        boolean wasUp = h.readyAt() != null || h.origin() == HostLifecycle.Origin.adopted;
        String upReason = h.origin() == HostLifecycle.Origin.adopted ? "Adopted" : "HostReady";
        return switch (h.state()) {
            case Ready -> yes(READY, "HostReady", "provisioned" + (h.ip() != null ? " at " + h.ip() : ""));
            case Adopted -> yes(READY, "Adopted", "imported VM, taken into state unchanged");
            case Drifted, Updating, Resizing -> wasUp ? yes(READY, upReason, "running while " + h.state())
                    : no(READY, h.state().name(), null);
            case Pending -> wasUp && !HostLifecycle.CREATE.equals(h.action())
                    ? yes(READY, upReason, "waiting to " + h.action())
                    : no(READY, "Pending", "waiting for a free apply slot");
            case Cloning, Configuring, Starting, Provisioning, Stopping, Destroying ->
                    // A step waiting to be sent again keeps its last failure as the reason.
                    no(READY, h.state().name(), h.reason() != null ? h.reason()
                            : "waiting for " + HostLifecycle.completedBy(h.state()).dataType().getSimpleName());
            case Gone -> no(READY, forgotten(h) ? "Forgotten" : "Destroyed", h.reason());
            case Failed -> no(READY, "Failed", h.step() + ": " + h.reason());
        };
    }

    static Condition reconciled(HostRecord h) {
        return switch (h.state()) {
            case Ready, Adopted -> yes(RECONCILED, "MatchesSpec", "plan " + h.planId() + " applied");
            case Drifted -> no(RECONCILED, "Drifted", h.reason());
            case Gone -> yes(RECONCILED, forgotten(h) ? "Forgotten" : "Destroyed", "removed from the spec");
            case Failed -> no(RECONCILED, "Failed", h.step() + ": " + h.reason());
            default -> no(RECONCILED, "PlanApplying", h.action() + " (plan " + h.planId() + ")");
        };
    }

    private static boolean forgotten(HostRecord h) {
        return HostLifecycle.FORGET.equals(h.action());
    }

    private static Condition yes(String type, String reason, String message) {
        return new Condition(type, "True", reason, message);
    }

    private static Condition no(String type, String reason, String message) {
        return new Condition(type, "False", reason, message);
    }
}
