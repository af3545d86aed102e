package dev.fleetplane.planner.power;

import java.util.Optional;

/**
 * Whether fleetplane may carry out a day-2 power action; pure. Refused: a template (never powered on or off); a
 * {@code readonly} host, even with force (the spec says fleetplane never changes it; force overrides the planner's
 * caution, not the declared desired state); without force, a VM that is no host of an applied spec (fleetplane does
 * not own it) and a host with a step of a plan in flight (the action would interfere with it).
 */
public final class PowerRules {

    private PowerRules() {
    }

    /** The reason to refuse, or empty when the action may go out. */
    public static Optional<String> refusal(PowerAction action, PowerTarget t, boolean force) {
        String what = action.word();
        if (t.template()) {
            return Optional.of(t.describe() + " is a template; templates are never started or stopped");
        }
        if (t.readonly()) {
            return Optional.of(t.describe() + " is readonly in the applied spec of fleet " + t.fleet() + " (hosts."
                    + t.host() + ".proxmox.readonly = true): fleetplane never changes it, and --force does not override"
                    + " the spec; " + what + " it in Proxmox itself, or drop readonly from the spec");
        }
        if (force) {
            return Optional.empty();
        }
        if (!t.owned()) {
            return Optional.of(t.describe() + " is not a host of any applied spec: fleetplane does not own it;"
                    + " repeat with --force to " + what + " VM " + t.vmid() + " anyway");
        }
        if (t.state() != null && t.state().inFlight()) {
            return Optional.of(t.describe() + " is in the middle of a plan (" + t.state() + "); a " + what
                    + " now would interfere with that step; wait until it settles, or repeat with --force");
        }
        return Optional.empty();
    }
}
